/** The service form's fields, read: ports as `published:target[/proto][@mode]`, a command as words. */
import type { ServiceSpecInput } from '../../electron/shared/models';

/** "8080:80", "8080:80/udp", "8080:80@host" -> a port; undefined when it is not one. */
export function parsePort(text: string): NonNullable<ServiceSpecInput['ports']>[number] | undefined {
  const m = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?(?:@(host|ingress))?$/.exec(text.trim());
  if (!m) return undefined;
  const target = Number(m[2]);
  const published = m[1] ? Number(m[1]) : undefined;
  if (!target || target > 65535 || (published !== undefined && (!published || published > 65535))) return undefined;
  return { target, ...(published ? { published } : {}), ...(m[3] ? { protocol: m[3] as 'tcp' | 'udp' } : {}), ...(m[4] ? { mode: m[4] as 'host' | 'ingress' } : {}) };
}

/** Words split as a shell would not bother to: on spaces, quotes keeping a phrase whole. */
export const words = (text: string) => (text.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
