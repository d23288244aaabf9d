/**
 * The Files tab: browse a container's filesystem, download a file or folder as a tar, upload a
 * file into a folder. Works for any image:
 * - listing a folder of a running container runs a small POSIX script with `sh` and `stat`
 *   (busybox and coreutils both have them) — cheap even for /usr;
 * - when the container is stopped or the image has no shell (distroless), the engine's archive API
 *   is read instead: it tars the whole subtree, so we keep only the headers of the first level.
 * Transfers are streamed in pieces of bytes through the contract, with backpressure both ways.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { FileEntry, FolderListing, TransferProgress } from '../../shared/models';
import type { StreamSink } from '../stream-sink';
import { FrameDemuxer } from '../engine/log-stream';
import { END_OF_ARCHIVE, fileHeader, padding, TarHeaderReader } from '../engine/tar';
import { receiveToFile, sendFile, withStream } from './transfer';

/**
 * Lists "$1": one `stat` line per entry, then the symlinks with where they point and whether that
 * is a folder. Exit 3: no such folder; 4: not a folder. `stat` missing gives 127 (fallback).
 */
export const LIST_SCRIPT = `cd -- "$1" 2>/dev/null || { [ -e "$1" ] && exit 4; exit 3; }
for f in .[!.]* ..?* *; do if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi; done; shift
[ $# -eq 0 ] && exit 0
stat -c '%f %s %Y %n' -- "$@" || [ $? -ne 127 ] || exit 127
echo '//links'
for f; do if [ -L "$f" ]; then if [ -d "$f" ]; then d=d; else d=-; fi; printf '%s %s/%s\\n' "$d" "$f" "$(readlink -- "$f")"; fi; done`;

const S_IFMT = 0o170000;
const TYPE_OF: Record<number, FileEntry['type']> = { 0o040000: 'dir', 0o100000: 'file', 0o120000: 'link' };

export function permString(mode: number): string {
  const bits = 'rwxrwxrwx';
  let s = '';
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** Parses LIST_SCRIPT's output. Names with a newline in them are skipped (they cannot be told apart). */
export function parseListing(out: string): FileEntry[] {
  const [statPart, linkPart = ''] = out.split('\n//links\n');
  const entries = new Map<string, FileEntry>();
  for (const line of statPart!.split('\n')) {
    const m = /^([0-9a-f]+) (\d+) (\d+) (.+)$/.exec(line);
    if (!m) continue;
    const raw = parseInt(m[1]!, 16);
    entries.set(m[4]!, { name: m[4]!, type: TYPE_OF[raw & S_IFMT] ?? 'other', size: Number(m[2]), mode: permString(raw), mtime: Number(m[3]) * 1000 });
  }
  for (const line of linkPart.split('\n')) {
    const m = /^([d-]) (.+)$/.exec(line);
    if (!m) continue;
    // "<name>/<target>": a name has no "/", so the first one splits them.
    const slash = m[2]!.indexOf('/');
    const e = entries.get(m[2]!.slice(0, slash));
    if (!e) continue;
    e.target = m[2]!.slice(slash + 1);
    if (m[1] === 'd') e.dirLink = true;
  }
  return sortEntries([...entries.values()]);
}

function sortEntries(entries: FileEntry[]): FileEntry[] {
  const folder = (e: FileEntry) => e.type === 'dir' || e.dirLink === true;
  return entries.sort((a, b) => Number(folder(b)) - Number(folder(a)) || a.name.localeCompare(b.name));
}

/** What the archive API's HEAD says about a path (Go's os.FileMode bits). */
interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}
const GO_DIR = 2 ** 31;

const noFolder = (path: string) => new BerthError('NOT_FOUND', `There is no folder ${path} in the container.`);
const notAFolder = (path: string) => new BerthError('INVALID_ARGUMENT', `${path} is a file, not a folder.`);

export function normalisePath(path: string): string {
  if (!path.startsWith('/')) throw new BerthError('INVALID_ARGUMENT', `The path must be absolute: ${path}`);
  const p = posix.normalize(path);
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

async function collect(stream: Readable): Promise<{ stdout: string; stderr: string }> {
  const demux = new FrameDemuxer();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const data of stream) {
    for (const f of demux.push(data as Buffer)) (f.stream === 'stderr' ? err : out).push(Buffer.from(f.data));
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export class FilesService {
  constructor(private readonly docker: Dockerode) {}

  async list(id: string, rawPath: string): Promise<FolderListing> {
    const path = normalisePath(rawPath);
    const info = await this.docker.getContainer(id).inspect();
    if (info.State.Running && !info.State.Paused) {
      const entries = await this.listByExec(id, path);
      if (entries) return { path, entries, via: 'exec' };
    }
    return { path, entries: await this.listByArchive(id, path), via: 'archive' };
  }

  /** undefined when the container cannot run the script (no sh or stat): use the archive. */
  private async listByExec(id: string, path: string): Promise<FileEntry[] | undefined> {
    const exec = await this.docker.getContainer(id).exec({ Cmd: ['sh', '-c', LIST_SCRIPT, 'sh', path], AttachStdout: true, AttachStderr: true, User: '0' });
    let result: { stdout: string; stderr: string };
    try {
      result = await collect(await exec.start({ hijack: true, stdin: false }));
    } catch {
      return undefined;
    }
    const { ExitCode } = await exec.inspect();
    if (ExitCode === 3) throw noFolder(path);
    if (ExitCode === 4) throw notAFolder(path);
    if (ExitCode === 0 || (ExitCode === 1 && result.stdout)) return parseListing(result.stdout);
    return undefined;
  }

  async stat(id: string, path: string): Promise<PathStat> {
    const res = (await this.docker.getContainer(id).infoArchive({ path })) as unknown as Readable & { headers: Record<string, string> };
    res.resume();
    const header = res.headers['x-docker-container-path-stat'];
    if (!header) throw new BerthError('ENGINE_ERROR', 'The engine did not describe the path.');
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
  }

  private async listByArchive(id: string, path: string): Promise<FileEntry[]> {
    await this.folderOrThrow(id, path);
    // A trailing "/." makes the engine follow a symlinked folder instead of archiving the link.
    const target = path === '/' ? '/' : `${path}/.`;
    const stream = (await this.docker.getContainer(id).getArchive({ path: target })) as unknown as Readable;
    const reader = new TarHeaderReader();
    const entries: FileEntry[] = [];
    let root: string | undefined;
    try {
      for await (const data of stream) {
        for (const h of reader.push(data as Buffer)) {
          const name = h.name.replace(/\/+$/, '');
          if (root === undefined) {
            root = name; // the first entry is the folder itself
            continue;
          }
          const rest = name.startsWith(`${root}/`) ? name.slice(root.length + 1) : undefined;
          if (!rest || rest.includes('/')) continue;
          entries.push({ name: rest, type: h.type, size: h.type === 'file' ? h.size : 0, mode: permString(h.mode), mtime: h.mtime * 1000, ...(h.type === 'link' ? { target: h.linkname } : {}) });
        }
        if (reader.ended) break;
      }
    } finally {
      stream.destroy();
    }
    // Which links lead to folders: ask the engine to follow each one.
    await Promise.all(
      entries
        .filter((e) => e.type === 'link')
        .slice(0, 500)
        .map(async (e) => {
          const s = await this.stat(id, `${posix.join(path, e.name)}/`).catch(() => undefined);
          if (s && s.mode & GO_DIR) e.dirLink = true;
        }),
    );
    return sortEntries(entries);
  }

  /** Streams a tar of the file or folder at `path`, in pieces. */
  async download(id: string, rawPath: string, sink: StreamSink<Uint8Array>): Promise<void> {
    const path = normalisePath(rawPath);
    const stream = (await this.docker.getContainer(id).getArchive({ path })) as unknown as Readable;
    await withStream(stream, sink.signal, () => sendFile(stream, sink));
  }

  /**
   * Writes one file of `size` bytes named `name` into the folder `dir`. The client sends the content
   * in pieces; each is acknowledged with the byte count once it is on disk here, so the
   * client keeps only a few in flight. The file is staged in a temp file and handed to the engine
   * only when complete: a cancelled or failed upload leaves nothing in the container.
   */
  async upload(id: string, args: { dir: string; name: string; size: number }, sink: StreamSink<TransferProgress, Uint8Array>): Promise<void> {
    const dir = await this.folderOrThrow(id, args.dir);
    const tmp = await mkdtemp(join(tmpdir(), 'berth-upload-'));
    const file = join(tmp, 'content');
    let tar: Readable | undefined;
    try {
      await receiveToFile(file, args.size, sink);
      if (sink.signal.aborted) return;
      async function* archive() {
        yield fileHeader(args.name, args.size);
        yield* createReadStream(file);
        yield Buffer.concat([Buffer.alloc(padding(args.size)), END_OF_ARCHIVE]);
      }
      tar = Readable.from(archive());
      await this.docker.getContainer(id).putArchive(tar, { path: dir });
      await sink.write({ bytes: args.size });
    } finally {
      tar?.destroy(); // a failed hand-over leaves the staged file open otherwise
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async folderOrThrow(id: string, raw: string): Promise<string> {
    const path = normalisePath(raw);
    const st = await this.stat(id, path).catch((e: unknown) => {
      if ((e as { statusCode?: number }).statusCode === 404) throw noFolder(path);
      throw e;
    });
    if (st.linkTarget === '' && !(st.mode & GO_DIR)) throw notAFolder(path);
    return path;
  }
}
