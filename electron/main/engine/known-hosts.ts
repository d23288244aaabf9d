/** Trusting an SSH host key as OpenSSH's "yes" does: one line appended to known_hosts. */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BerthError } from '../../shared/errors';

/** How known_hosts names a host: "[host]:port" when the port is not 22. */
export const knownHostsName = (name: string, port: number) => (port === 22 ? name : `[${name}]:${port}`);

/** The line OpenSSH writes to known_hosts for a host key ("[host]:port" when the port is not 22). */
export function knownHostsLine(name: string, port: number, key: Buffer): string {
  const type = key.readUInt32BE(0) <= key.length - 4 ? key.subarray(4, 4 + key.readUInt32BE(0)).toString('latin1') : '';
  if (!/^[a-z0-9@.-]+$/.test(type)) throw new BerthError('INVALID_ARGUMENT', 'The host key is malformed.');
  return `${knownHostsName(name, port)} ${type} ${key.toString('base64')}\n`;
}

/** Adds a host key to a known_hosts file (made 0600, its folder 0700, if missing), as `ssh` does on "yes". */
export function trustHostKey(file: string, name: string, port: number, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  appendFileSync(file, `${before && !before.endsWith('\n') ? '\n' : ''}${knownHostsLine(name, port, key)}`, { mode: 0o600 });
}
