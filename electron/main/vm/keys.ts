/**
 * The per-install SSH keys of the VM (Lima keeps its own the same way): the client key Berth logs in
 * with and the guest's host key, made here so that the host key can be pinned. Both are made once
 * and kept in the VM folder (0600); the guest gets its halves from the seed folder at boot.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { utils, type ParsedKey } from 'ssh2';
import { BerthError } from '../../shared/errors';
import { fingerprint, generateKeyPair } from '../engine/ssh-keys';
import { paths, publicKeyOf } from '../paths';

export interface VmKeys {
  /** The client key, to log in as root. */
  privateKey: string;
  /** The guest's host key as SshTunnel pins it. */
  hostKeyFingerprint: string;
  /** The files of the seed folder the guest reads them from, by the names berth-init reads. */
  seed: Record<string, string>;
}

/** The keys, made on first use. */
export function vmKeys(env: NodeJS.ProcessEnv): VmKeys {
  mkdirSync(paths.vm(env), { recursive: true, mode: 0o700 });
  const load = (file: string, comment: string) => {
    if (!existsSync(file)) {
      const k = generateKeyPair(comment);
      writeFileSync(file, k.privateKey, { mode: 0o600 });
      writeFileSync(publicKeyOf(file), `${k.publicKey}\n`, { mode: 0o644 });
    }
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(publicKeyOf(file), 'utf8') };
  };
  const client = load(paths.vmClientKey(env), 'berth');
  const host = load(paths.vmHostKey(env), 'berth-vm');
  const parsed = utils.parseKey(host.publicKey);
  if (parsed instanceof Error)
    throw new BerthError('COMMAND_FAILED', `The VM's SSH host key ${publicKeyOf(paths.vmHostKey(env))} cannot be read (${parsed.message}).`, {
      hint: 'Remove it and the key beside it; the next start makes a new pair.',
    });
  const hostKey: ParsedKey = Array.isArray(parsed) ? (parsed as ParsedKey[])[0]! : parsed;
  return {
    privateKey: client.privateKey,
    hostKeyFingerprint: fingerprint(hostKey.getPublicSSH()),
    seed: { authorized_keys: client.publicKey, ssh_host_ed25519_key: host.privateKey },
  };
}
