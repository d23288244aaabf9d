/** The VM's forwarded ports in words, the same in the CLI and the UI: "127.0.0.1:8080, 0.0.0.0:5353/udp". */
import type { ForwardedPort } from './models';

export function forwardsInWords(forwards: ForwardedPort[]): string {
  return forwards.map((f) => `${f.address}:${f.port}${f.protocol === 'udp' ? '/udp' : ''}`).join(', ');
}

/** Said where the ports are shown: who can reach them. */
export function forwardsReach(forwards: ForwardedPort[]): string {
  return forwards.some((f) => f.address === '0.0.0.0')
    ? 'Ports on 0.0.0.0 can be reached from your network (Settings: "Published ports on all of this computer’s addresses").'
    : 'Only this computer reaches them: Berth forwards the VM’s ports to 127.0.0.1, also those published on 0.0.0.0 (Settings can change that).';
}
