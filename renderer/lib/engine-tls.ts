/** How an engine reached over TLS is said in the picker and Settings. */
import type { EngineTls } from '../../electron/shared/models';

/** "TLS, verified against /x/ca.pem, client certificate /x/cert.pem", or without verification. */
export function tlsWords(tls: EngineTls): string {
  const check = !tls.verify ? 'TLS without verification' : tls.ca ? `TLS, verified against ${tls.ca}` : 'TLS, verified against the system’s CAs';
  return tls.cert ? `${check}, client certificate ${tls.cert}` : check;
}
