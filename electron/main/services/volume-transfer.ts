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
import type { FolderListing, TransferProgress } from '../../shared/models';
import type { StreamSink } from '../stream-sink';
import { productOf } from '../engine/product';
import { checkTarFile } from '../engine/tar-check';
import { receiveToFile, sendFile, withStream } from './transfer';
import { normalisePath, type FilesService } from './files';

/** The label on helper containers (a crash can leave one: it holds no data and may be removed). */
export const HELPER_LABEL = 'berth.helper';
const MOUNT = '/berth-volume';
/** How often a clone says how far it is. */
const PROGRESS_EVERY = 1 << 20;

export class VolumeTransferService {
  constructor(
    private docker: Dockerode,
    private files: FilesService,
  ) {}

  /** The smallest image the engine has: the helper only needs to exist, not to run. */
  private async helperImage(): Promise<string> {
    const images = await this.docker.listImages();
    const smallest = images.sort((a, b) => a.Size - b.Size)[0];
    if (!smallest)
      throw new BerthError('UNAVAILABLE', 'Reaching a volume\u2019s files needs an image on the engine, and it has none.', { hint: 'Pull any small image (busybox, alpine) and try again.' });
    return smallest.Id;
  }

  /** Runs `fn` on a helper that mounts the volume at MOUNT, removed after. */
  private async withHelper<T>(volume: string, fn: (c: Dockerode.Container) => Promise<T>): Promise<T> {
    // Podman's archive API shows a created container's own files but not its volumes': the helper would read as empty.
    if (productOf(await this.docker.version()) === 'podman')
      throw new BerthError(
        'UNAVAILABLE',
        'Podman does not show a volume\u2019s files to Berth (its archive API leaves out the volumes of a container that is not running), so a volume cannot be browsed, exported, imported or cloned on Podman.',
        {
          hint: 'Open the Files tab of a running container that mounts the volume instead.',
        },
      );
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
    if (sink.signal.aborted) return; // no helper made for a cancelled export
    await this.withHelper(name, async (c) => {
      const stream = (await c.getArchive({ path: `${MOUNT}/.` })) as unknown as Readable;
      await withStream(stream, sink.signal, () => sendFile(stream, sink));
    });
  }

  /** The first level of a folder in the volume, `path` from its top. */
  async list(name: string, rawPath: string): Promise<FolderListing> {
    const path = normalisePath(rawPath);
    await this.mustExist(name);
    const listing = await this.withHelper(name, (c) => this.files.list(c.id, path === '/' ? MOUNT : `${MOUNT}${path}`)).catch((e: unknown) => {
      if (e instanceof BerthError) e.message = e.message.replaceAll(MOUNT, '') || '/'; // "No folder /berth-volume/x" names the volume's /x
      throw e;
    });
    return { ...listing, path };
  }

  /** A file or folder of the volume as a tar. */
  async download(name: string, rawPath: string, sink: StreamSink<Uint8Array>): Promise<void> {
    const path = normalisePath(rawPath);
    await this.mustExist(name);
    if (sink.signal.aborted) return;
    await this.withHelper(name, (c) => this.files.download(c.id, path === '/' ? `${MOUNT}/.` : `${MOUNT}${path}`, sink));
  }

  /**
   * Copies every file of `name` into a new volume `to` (the default driver, the source's labels),
   * streamed from a helper on the source into a helper on the copy; progress in bytes of the stream. A failed or cancelled clone removes the new volume; the helper always goes.
   */
  async clone(name: string, to: string, sink: StreamSink<TransferProgress>): Promise<void> {
    const { signal } = sink;
    const source = await this.docker.getVolume(name).inspect();
    const taken = await this.docker
      .getVolume(to)
      .inspect()
      .then(
        () => true,
        (e: { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)),
      );
    if (taken) throw new BerthError('CONFLICT', `A volume named "${to}" already exists: a clone goes into a new volume.`, { hint: 'Choose another name.' });
    if (signal.aborted) return;
    await this.docker.createVolume({ Name: to, Labels: source.Labels ?? {} });
    let done = false;
    let tar: Readable | undefined;
    const stop = () => tar?.destroy(); // the engine's request ends only when its body does
    signal.addEventListener('abort', stop, { once: true });
    try {
      // Two helpers: the engine will not read from and write to one container's files at once.
      await this.withHelper(name, (from) =>
        this.withHelper(to, async (into) => {
          if (signal.aborted) return;
          tar = (await from.getArchive({ path: `${MOUNT}/.` })) as unknown as Readable;
          let bytes = 0;
          let said = 0;
          tar.on('data', (d: Buffer) => {
            bytes += d.length;
            if (bytes - said < PROGRESS_EVERY) return;
            said = bytes;
            void sink.write({ bytes }).catch(() => undefined);
          });
          await into.putArchive(tar, { path: MOUNT, abortSignal: signal });
          if (!signal.aborted) await sink.write({ bytes });
        }),
      );
      done = !signal.aborted;
    } catch (e) {
      if (!signal.aborted) throw e; // a cancel is not an error
    } finally {
      signal.removeEventListener('abort', stop);
      tar?.destroy();
      if (!done)
        await this.docker
          .getVolume(to)
          .remove({ force: true })
          .catch(() => undefined); // nothing half-made
    }
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
   * sends in pieces (acknowledged as they are staged here), checked whole, then handed to the
   * engine. A volume not empty is refused before the upload; one made here is removed again if
   * the import fails or is cancelled; an existing empty one is emptied again (made anew) when no
   * container uses it, else the error says it holds part of the archive.
   */
  async import(args: { name: string; size: number }, sink: StreamSink<TransferProgress, Uint8Array>): Promise<void> {
    const { signal } = sink;
    const existing = await this.docker
      .getVolume(args.name)
      .inspect()
      .then(
        (v: Dockerode.VolumeInspectInfo) => v,
        (e: { statusCode?: number }) => (e.statusCode === 404 ? undefined : Promise.reject(e)),
      );
    const notEmpty = () => new BerthError('CONFLICT', `The volume "${args.name}" is not empty: an import goes into a new or empty volume.`, { hint: 'Choose a new name, or empty that volume first.' });
    if (existing && !(await this.withHelper(args.name, (c) => this.isEmpty(c)))) throw notEmpty();
    if (signal.aborted) return;
    const tmp = await mkdtemp(join(tmpdir(), 'berth-volume-import-'));
    let made = false;
    let handedOff = false;
    let done = false;
    let tar: Readable | undefined;
    let cause: string | undefined;
    const stop = () => tar?.destroy();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const file = join(tmp, 'volume.tar');
      await receiveToFile(file, args.size, sink);
      if (signal.aborted) return;
      await checkTarFile(file); // before the volume is touched: the engine would keep what came before a bad entry
      if (!existing) {
        await this.docker.createVolume({ Name: args.name, Labels: {} });
        made = true;
      }
      await this.withHelper(args.name, async (c) => {
        if (existing && !(await this.isEmpty(c))) throw notEmpty(); // filled while the file came
        if (signal.aborted) return;
        tar = createReadStream(file);
        handedOff = true;
        await c.putArchive(tar, { path: MOUNT, abortSignal: signal });
      });
      if (signal.aborted) return;
      await sink.write({ bytes: args.size });
      done = true;
    } catch (e) {
      if (signal.aborted) return;
      cause = (e as Error).message;
      if (/unexpected EOF|archive\/tar|invalid tar header/i.test(String((e as Error).message)))
        throw new BerthError('INVALID_ARGUMENT', `The engine could not unpack the archive: ${(e as Error).message}`);
      throw e;
    } finally {
      signal.removeEventListener('abort', stop);
      tar?.destroy();
      await rm(tmp, { recursive: true, force: true });
      if (made && !done)
        await this.docker
          .getVolume(args.name)
          .remove()
          .catch(() => undefined); // nothing half-made
      else if (existing && handedOff && !done) await this.emptyAgain(existing, signal.aborted, cause);
    }
  }

  /** An existing volume that was empty and now holds part of an archive: made anew as it was, if no container uses it. */
  private async emptyAgain(v: Dockerode.VolumeInspectInfo, cancelled: boolean, cause?: string): Promise<void> {
    const users = await this.docker.listContainers({ all: true, filters: { volume: [v.Name] } }).catch(() => undefined);
    const undone =
      users?.length === 0 &&
      (await this.docker
        .getVolume(v.Name)
        .remove()
        .then(() => this.docker.createVolume({ Name: v.Name, Driver: v.Driver, DriverOpts: v.Options ?? {}, Labels: v.Labels ?? {} }))
        .then(
          () => true,
          () => false,
        ));
    if (!undone && !cancelled)
      throw new BerthError('CONFLICT', `The import stopped part-way${cause ? ` (${cause})` : ''}: the volume "${v.Name}" holds part of the archive.`, {
        hint: users?.length ? 'A container uses it, so Berth left it as it is: empty it before you import again.' : 'Empty it before you import again.',
      });
  }
}
