import { describe, expect, it, vi } from 'vitest';
import { utils } from 'ssh2';
import { generateKeyPair } from './ssh-keys';

describe('per-install SSH keys', () => {
  it('every pair parses, 500 of them (ssh2 alone writes about one in 250 malformed)', () => {
    let bad = 0;
    for (let i = 0; i < 500; i++) {
      const k = generateKeyPair('berth');
      if (utils.parseKey(k.publicKey) instanceof Error || utils.parseKey(k.privateKey) instanceof Error) bad++;
      expect(Buffer.from(k.publicKey.split(' ')[1]!, 'base64').length).toBe(51); // "ssh-ed25519" + 32 key bytes, with lengths
    }
    expect(bad).toBe(0);
  });

  it('a malformed pair from the generator is made again; one that never parses is an error', () => {
    // A good pair of ssh2's own (which itself writes about one in 250 malformed: take one that parses).
    let good = utils.generateKeyPairSync('ed25519', { comment: 'x' });
    while (utils.parseKey(good.public) instanceof Error || utils.parseKey(good.private) instanceof Error) good = utils.generateKeyPairSync('ed25519', { comment: 'x' });
    const broken = { private: 'not a key', public: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAHzl7q30qgpTFK9aRngIL0FoxL2T8WAEQAwh5IQpgzj8= x' };
    const gen = vi.fn().mockReturnValueOnce(broken).mockReturnValueOnce(good);
    expect(generateKeyPair('x', gen)).toEqual({ privateKey: good.private, publicKey: good.public });
    expect(gen).toHaveBeenCalledTimes(2);
    expect(() => generateKeyPair('x', () => broken)).toThrow(/^Could not make an SSH key that parses \(20 tries\)\.$/);
  });
});
