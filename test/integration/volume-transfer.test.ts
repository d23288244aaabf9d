import { describe, expect, it } from 'vitest';
import { HELPER_LABEL } from '../../electron/main/services/volume-transfer';
import { UPLOAD_PIECE } from '../../electron/shared/transfer';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { HUNDRED_MB_TREE, inVolume, volumeSums } from '../support/volumes';

const docker = engine();
const t = connectedCore();

async function exportTar(name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const s = t.core.router.openStream('volumes.export', { name }, async (c) => void parts.push(Buffer.from(c as Uint8Array)));
  const err = await s.done;
  if (err) throw Object.assign(new Error(err.message), err);
  return Buffer.concat(parts);
}

/** Sends the tar as the UI does (at most four unacknowledged pieces); `stopAfter` leaves it unfinished. */
function importTar(name: string, tar: Buffer, stopAfter = Infinity) {
  const acks: number[] = [];
  let sent = 0;
  const pump = () => {
    while (sent < tar.length && sent < stopAfter && sent - (acks.at(-1) ?? 0) < 4 * UPLOAD_PIECE) {
      const piece = tar.subarray(sent, sent + UPLOAD_PIECE);
      sent += piece.length;
      s.input(piece);
    }
  };
  const s = t.core.router.openStream('volumes.import', { name, size: tar.length }, async (c) => {
    acks.push((c as { bytes: number }).bytes);
    pump();
  });
  pump();
  return { s, acks };
}

const helpers = () => docker.cli(['ps', '-aq', '--filter', `label=${HELPER_LABEL}`]).trim();
const volumeExists = (name: string) => docker.try(['volume', 'inspect', name]).status === 0;
const sums = (volume: string) => volumeSums(docker, volume, 'find . | sort');

describe('volume export and import (volumes.export / volumes.import)', () => {
  it('round-trips 100 MB of files byte for byte, leaving no helper container', { timeout: 180_000 }, async () => {
    const src = uniq('vol-src');
    const dst = uniq('vol-dst');
    docker.cli(['volume', 'create', src]);
    inVolume(docker, src, HUNDRED_MB_TREE);
    try {
      const tar = await exportTar(src);
      expect(tar.length).toBeGreaterThan(100_000_000);
      expect(helpers()).toBe('');
      const up = importTar(dst, tar);
      expect(await up.s.done).toBeUndefined();
      expect(up.acks.at(-1)).toBe(tar.length);
      expect(sums(dst)).toBe(sums(src));
      expect(helpers()).toBe('');
    } finally {
      docker.try(['volume', 'rm', '-f', src, dst]);
    }
  });

  it('a tar that is not one, a cancel mid-way, or a volume that is not empty: a clear error and nothing left', { timeout: 120_000 }, async () => {
    const junk = uniq('vol-junk');
    const bad = importTar(junk, Buffer.from('this is not a tar archive at all, just words'));
    expect(await bad.s.done).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('not a tar archive') });
    expect(volumeExists(junk)).toBe(false);

    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    const cut = uniq('vol-cut');
    const half = importTar(cut, big, 2 * 1024 * 1024);
    await waitFor(() => half.acks.length > 0 || undefined, 10_000, 'first pieces taken');
    half.s.cancel();
    expect(await half.s.done).toBeUndefined();
    expect(volumeExists(cut)).toBe(false);

    const full = uniq('vol-full');
    docker.cli(['volume', 'create', full]);
    inVolume(docker, full, 'echo keep > /v/keep');
    try {
      const tar = await exportTar(full);
      const refused = importTar(full, tar);
      expect(await refused.s.done).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('not empty') });
      expect(refused.acks).toEqual([]); // refused before the upload, not after it
      expect(inVolume(docker, full, 'cat /v/keep').trim()).toBe('keep');
      // An export cancelled at once, and one of a volume that does not exist.
      t.core.router.openStream('volumes.export', { name: full }, async () => undefined).cancel();
      await expect(exportTar('no-such-volume-here')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await waitFor(() => helpers() === '' || undefined, 10_000, 'no helper container left');
    } finally {
      docker.try(['volume', 'rm', '-f', full]);
    }
  });

  it('an existing empty volume: a damaged archive is refused before it is touched, a cancel mid-way leaves it empty', { timeout: 180_000 }, async () => {
    const src = uniq('vol-src2');
    const empty = uniq('vol-empty');
    docker.cli(['volume', 'create', src]);
    docker.cli(['volume', 'create', '--label', 'keep=me', empty]);
    inVolume(docker, src, 'for i in 1 2 3 4 5 6 7 8; do head -c 10000000 /dev/urandom > /v/f$i; done');
    const files = () => inVolume(docker, empty, 'ls -A /v').trim();
    try {
      const tar = await exportTar(src);
      // Cut in the middle of the fifth file: the engine would have written four files before failing.
      const cut = tar.subarray(0, Math.floor(tar.length * 0.6));
      const bad = importTar(empty, cut);
      expect(await bad.s.done).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/cut off in ".*f\d"/) });
      expect(files()).toBe('');

      // Cancelled at moments after every byte is here: during the check, the helper's making, the hand-off to the engine.
      for (const after of [0, 50, 100, 150, 250]) {
        const up = importTar(empty, tar);
        await waitFor(() => up.acks.at(-1) === tar.length || undefined, 60_000, 'all of it staged');
        await new Promise((r) => setTimeout(r, after));
        up.s.cancel();
        const end = await up.s.done;
        await waitFor(() => helpers() === '' || undefined, 20_000, 'no helper container left');
        if (end === undefined && files() !== '' && up.acks.filter((b) => b === tar.length).length > 1) break; // it had finished before the cancel: fine, but the rest would not be empty
        expect([after, end, files()]).toEqual([after, undefined, '']);
        expect(docker.cli(['volume', 'inspect', '-f', '{{.Labels.keep}}', empty]).trim()).toBe('me'); // made anew as it was, if it had to be
      }
      inVolume(docker, empty, 'rm -rf /v/* /v/.[!.]* 2>/dev/null; true');
      // And then a whole import into it works.
      const ok = importTar(empty, tar);
      expect(await ok.s.done).toBeUndefined();
      expect(sums(empty)).toBe(sums(src));
    } finally {
      docker.try(['volume', 'rm', '-f', src, empty]);
    }
  });
});
