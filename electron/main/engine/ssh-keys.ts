/** SSH keys: OpenSSH fingerprints, and the per-install ed25519 pairs Berth makes. */
import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import { BerthError } from '../../shared/errors';

/** OpenSSH's fingerprint of a public key blob: SHA256, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

type KeyGen = (type: 'ed25519', opts: { comment: string }) => { private: string; public: string };

/**
 * A new ed25519 key pair in OpenSSH format (for a per-install key). ssh2's generator writes about
 * one pair in 300 malformed (the public key's leading zero byte dropped: 31 bytes, and neither key
 * parses), which broke the VM's first start for that install: such a pair is made again.
 */
export function generateKeyPair(comment: string, generate: KeyGen = utils.generateKeyPairSync): { privateKey: string; publicKey: string } {
  for (let attempt = 1; ; attempt++) {
    const k = generate('ed25519', { comment });
    if (!(utils.parseKey(k.public) instanceof Error) && !(utils.parseKey(k.private) instanceof Error)) return { privateKey: k.private, publicKey: k.public };
    if (attempt === KEYGEN_ATTEMPTS) throw new BerthError('INTERNAL', `Could not make an SSH key that parses (${KEYGEN_ATTEMPTS} tries).`);
  }
}
const KEYGEN_ATTEMPTS = 20;
