/**
 * A volume's files as a tar, out and in, through the engine's archive API on a throwaway helper
 * container that mounts the volume and never runs (so any image the engine has will do, even one
 * without a shell). The helper is removed whatever happens; an import into a volume it made is
 * undone when it fails or is cancelled, so nothing half-made is left.
 */
import type Dockerode from 'dockerode';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { TransferProgress } from '../../shared/models';
import type { StreamSink } from '../api/router';
import { receiveToFile, sendFile, withStream } from './transfer';

/** The label on helper containers (a crash can leave one: it holds no data and may be removed). */
export const HELPER_LABEL = 'berth.helper';
const MOUNT = '/berth-volume';

export class VolumeTransferService {
  constructor(private docker: Dockerode) {}

  /** The smallest image the engine has: the helper only needs to exist, not to run. */
  private async helperImage(): Promise<string> {
    const images = await this.docker.listImages();
    const smallest = images.sort((a, b) => a.Size - b.Size)[0];
    if (!smallest) throw new BerthError('UNAVAILABLE', 'Reaching a volume\u2019s files needs an image on the engine, and it has none.', { hint: 'Pull any small image (busybox, alpine) and try again.' });
    return smallest.Id;
  }

  private async withHelper<T>(volume: string, fn: (c: Dockerode.Container) => Promise<T>): Promise<T> {
    const helper = await this.docker.createContainer({
      name: `berth-volume-${randomBytes(4).toString('hex')}`,
      Image: await this.helperImage(),
      Entrypoint: ['/berth-never-runs'],
      Cmd: [],
      Labels: { [HELPER_LABEL]: 'volume-transfer' },
      NetworkDisabled: true,
      HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: MOUNT }] },
    });
    try {
      return await fn(helper);
    } finally {
      await helper.remove({ force: true, v: false }).catch(() => undefined);
    }
  }

  private async mustExist(name: string): Promise<void> {
    await this.docker.getVolume(name).inspect(); // NOT_FOUND by the engine's mapping
  }

  /** The volume's files as a tar (paths relative to the volume's top), in pieces. */
  async export(name: string, sink: StreamSink<Uint8Array>): Promise<void> {
    await this.mustExist(name);
    await this.withHelper(name, async (c) => {
      const stream = (await c.getArchive({ path: `${MOUNT}/.` })) as unknown as Readable;
      await withStream(stream, sink.signal, () => sendFile(stream, sink));
    });
  }

  /** Whether the volume holds anything: the archive of its top has an entry after the top itself. */
  private async isEmpty(c: Dockerode.Container): Promise<boolean> {
    const stream = (await c.getArchive({ path: `${MOUNT}/.` })) as unknown as Readable;
    let head = Buffer.alloc(0);
    try {
      for await (const chunk of stream) {
        head = Buffer.concat([head, chunk as Buffer]);
        if (head.length >= 1024) break;
      }
    } finally {
      stream.destroy();
    }
    return head.length < 1024 || head.subarray(512, 1024).every((b) => b === 0);
  }

  /**
   * Fills a new volume `name` (or an existing empty one) from a tar of `size` bytes the client
   * sends in pieces (acknowledged as they are staged here), handed to the engine once complete.
   */
  async import(args: { name: string; size: number }, sink: StreamSink<TransferProgress, Uint8Array>): Promise<void> {
    const existing = await this.docker
      .getVolume(args.name)
      .inspect()
      .then(() => true, (e: { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)));
    const tmp = await mkdtemp(join(tmpdir(), 'berth-volume-import-'));
    let made = false;
    let done = false;
    let tar: Readable | undefined;
    try {
      const file = join(tmp, 'volume.tar');
      await receiveToFile(file, args.size, sink);
      if (sink.signal.aborted) return;
      if (!existing) {
        await this.docker.createVolume({ Name: args.name, Labels: {} });
        made = true;
      }
      await this.withHelper(args.name, async (c) => {
        if (existing && !(await this.isEmpty(c))) throw new BerthError('CONFLICT', `The volume "${args.name}" is not empty: an import goes into a new or empty volume.`, { hint: 'Choose a new name, or empty that volume first.' });
        tar = createReadStream(file);
        await c.putArchive(tar, { path: MOUNT });
      });
      if (sink.signal.aborted) return;
      await sink.write({ bytes: args.size });
      done = true;
    } catch (e) {
      const m = /unexpected EOF|archive\/tar|invalid tar header/i.exec(String((e as Error).message));
      if (m) throw new BerthError('INVALID_ARGUMENT', `Not a tar archive: ${(e as Error).message}`);
      throw e;
    } finally {
      tar?.destroy();
      await rm(tmp, { recursive: true, force: true });
      if (made && !done) await this.docker.getVolume(args.name).remove().catch(() => undefined); // nothing half-made
    }
  }
}
