/**
 * Moving images: pull and push with per-layer progress, build from a folder, save to and load
 * from a tar. Every one streams through the contract and stops when the client cancels (closing
 * the engine request makes the engine abort a pull, push or build).
 */
import { constants, createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import { parseReference, repository } from '../../shared/image-ref';
import type { BuildEvent, LayerProgress, TransferProgress } from '../../shared/models';
import type { StreamSink } from '../stream-sink';
import { contextTar } from '../engine/build-context';
import { BuildProgress, decodeStatus } from '../engine/build-progress';
import { openBuildSession } from '../engine/build-session';
import { productOf } from '../engine/product';
import { engineMessage } from '../engine/engine-errors';
import { readJsonStream, registryError, toLayerProgress, type EngineMessage } from '../engine/json-stream';
import { receiveToFile, sendFile, withStream } from './transfer';
import type { LoginsService } from './logins';
import { serverOf } from './registry-logins';

export interface BuildArgs {
  context: string;
  dockerfile?: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
  secrets?: BuildSecret[];
}

/** A build secret: typed, or read from a file on this machine when the build starts. */
export type BuildSecret = { id: string; value: string } | { id: string; file: string };

/** BuildKit's own limit on a secret's size. */
const MAX_SECRET = 500 * 1024;

/** A secret file's bytes: a regular file of at most MAX_SECRET, never a FIFO (which would block) or a device. */
async function readSecretFile(id: string, file: string): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) throw new BerthError('INVALID_ARGUMENT', `The file ${file} for secret "${id}" is not a regular file.`);
    if (st.size > MAX_SECRET) throw new BerthError('INVALID_ARGUMENT', `The file ${file} for secret "${id}" is ${st.size} bytes; a build secret is at most ${MAX_SECRET}.`);
    return await handle.readFile();
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw new BerthError('NOT_FOUND', `The file ${file} for secret "${id}" cannot be read.`);
  } finally {
    await handle?.close();
  }
}

async function readSecrets(list: BuildSecret[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const s of list) out.set(s.id, 'value' in s ? Buffer.from(s.value, 'utf8') : await readSecretFile(s.id, s.file));
  return out;
}

/** What to tell the user about a failed build, beside BuildKit's message (which names the line). */
function buildHint(message: string): { hint: string } | undefined {
  if (/secret .* not found|secret.*required/i.test(message)) return { hint: 'Give the secret in the build dialog, under the id the Dockerfile names.' };
  if (/dockerfile parse error|unknown instruction/i.test(message)) return { hint: 'Fix the Dockerfile at that line and build again.' };
  return undefined;
}

export class ImageTransferService {
  constructor(
    private readonly docker: Dockerode,
    private readonly logins: LoginsService,
  ) {}

  private async authFor(ref: string): Promise<Record<string, string> | undefined> {
    return (await this.logins.auth(serverOf(parseReference(ref).domain))) as Record<string, string> | undefined;
  }

  /** Pulls `ref` (":latest" when no tag or digest), streaming layer progress. */
  async pull(ref: string, sink: StreamSink<LayerProgress[]>): Promise<void> {
    const r = parseReference(ref);
    const full = r.tag || r.digest ? ref : `${ref}:latest`;
    const authconfig = await this.authFor(ref);
    const stream = (await this.docker.pull(full, authconfig ? { authconfig } : {}).catch(asRegistryError)) as Readable;
    await withStream(stream, sink.signal, () => readJsonStream(stream, (ms) => sendProgress(ms, sink)));
  }

  /** Pulls `ref` with no one watching its progress (a run's pull policy). */
  pullQuietly(ref: string): Promise<void> {
    return this.pull(ref, { write: async () => {}, signal: new AbortController().signal, onInput: () => {} });
  }

  /** Pushes a tagged image to its registry, streaming layer progress. */
  async push(ref: string, sink: StreamSink<LayerProgress[]>): Promise<void> {
    const r = parseReference(ref);
    if (r.digest) throw new BerthError('INVALID_ARGUMENT', 'Push a tag, not a digest.');
    const authconfig = (await this.authFor(ref)) ?? {}; // the engine wants the header even when empty
    const image = this.docker.getImage(repository(r));
    const stream = (await image.push({ tag: r.tag ?? 'latest', authconfig }).catch(asRegistryError)) as unknown as Readable;
    await withStream(stream, sink.signal, () => readJsonStream(stream, (ms) => sendProgress(ms, sink)));
  }

  /**
   * Builds with the engine's BuildKit (POST /build?version=2): the context goes as a tar (tar-fs,
   * the ignore file applied), secrets through a session from memory. Streams the log text and the
   * steps; the last chunk carries the image id. A cancel closes the request (BuildKit stops the
   * build) and the session.
   */
  async build(args: BuildArgs, sink: StreamSink<BuildEvent>): Promise<void> {
    const dockerfile = args.dockerfile ?? 'Dockerfile';
    const st = await stat(args.context).catch(() => undefined);
    if (!st?.isDirectory()) throw new BerthError('NOT_FOUND', `There is no folder ${args.context} on this machine.`);
    if (!(await stat(join(args.context, dockerfile)).catch(() => undefined))?.isFile()) {
      throw new BerthError('NOT_FOUND', `${args.context} has no ${dockerfile}.`);
    }
    for (const t of args.tags) parseReference(t);
    const secrets = await readSecrets(args.secrets ?? []);
    if (sink.signal.aborted) return;
    // Podman's Docker API has no BuildKit (no /session): its own builder, and no secrets, said so.
    const podman = productOf(await this.docker.version()) === 'podman';
    if (podman && secrets.size) {
      throw new BerthError('UNAVAILABLE', 'Podman does not take build secrets through its Docker API: it has no BuildKit session.', {
        hint: 'Build without secrets here, or with `podman build --secret` in a terminal.',
      });
    }
    const context = await contextTar(args.context, dockerfile);
    const session = podman ? undefined : await openBuildSession(this.docker, secrets).catch((e: unknown) => (context.destroy(), Promise.reject(e)));
    try {
      const options = {
        ...(session ? { version: 2, session: session.id } : {}), // version: a number (dockerode opens its own Auth-only session for the string "2")
        t: args.tags, // several t= parameters: the engine tags the result with each
        dockerfile,
        buildargs: args.buildArgs,
        ...(args.target ? { target: args.target } : {}),
        nocache: args.noCache,
        rm: true,
        forcerm: true,
      } as unknown as Dockerode.ImageBuildOptions;
      if (sink.signal.aborted) return;
      const stream = (await this.docker.buildImage(context, options)) as unknown as Readable;
      const progress = new BuildProgress();
      let imageId: string | undefined;
      const failed = async (e: unknown) => {
        if (!sink.signal.aborted) await sink.write({ steps: progress.failed() });
        throw e;
      };
      await withStream(stream, sink.signal, () =>
        readJsonStream(
          stream,
          async (ms) => {
            let text = '';
            let changed = false;
            for (const m of ms) {
              const aux: unknown = m.aux;
              if (m.id === 'moby.buildkit.trace' && typeof aux === 'string') {
                text += progress.add(decodeStatus(aux));
                changed = true;
              } else if (m.aux?.ID && (m.id === 'moby.image.id' || !m.id))
                imageId = m.aux.ID; // BuildKit's, or the classic builder's
              else if (m.stream) text += m.stream;
            }
            if (text || changed) await sink.write({ ...(text ? { text } : {}), ...(changed ? { steps: progress.list() } : {}) });
          },
          (message) => new BerthError('COMMAND_FAILED', message, buildHint(message)),
        ).catch(failed),
      );
      if (imageId && !sink.signal.aborted) await sink.write({ imageId, steps: progress.list() });
    } finally {
      context.destroy();
      session?.close();
    }
  }

  /** `docker save` of the images as a tar, in pieces. */
  async save(refs: string[], sink: StreamSink<Uint8Array>): Promise<void> {
    // dockerode has GET /images/get (several images in one tar) but does not declare it
    const docker = this.docker as unknown as { getImages(o: { names: string[] }): Promise<Readable> };
    const stream = await docker.getImages({ names: await namesToSave(this.docker, refs) });
    await withStream(stream, sink.signal, () => sendFile(stream, sink));
  }

  /** `docker load` of a tar the client uploads (staged first: a cancelled upload loads nothing). */
  async load(size: number, sink: StreamSink<TransferProgress & { loaded?: string[] }, Uint8Array>): Promise<void> {
    const tmp = await mkdtemp(join(tmpdir(), 'berth-load-'));
    let tar: Readable | undefined;
    try {
      const file = join(tmp, 'images.tar');
      await receiveToFile(file, size, sink);
      if (sink.signal.aborted) return;
      tar = createReadStream(file);
      const stream = (await this.docker.loadImage(tar, { quiet: true })) as unknown as Readable;
      const loaded: string[] = [];
      await withStream(stream, sink.signal, () =>
        readJsonStream(
          stream,
          async (ms) => {
            for (const m of ms) {
              const hit = /Loaded image(?: ID)?: (\S+)/.exec(m.stream ?? '');
              if (hit) loaded.push(hit[1]!);
            }
          },
          (message) => new BerthError('INVALID_ARGUMENT', `Not an image archive: ${message}`),
        ),
      );
      await sink.write({ bytes: size, loaded });
    } finally {
      tar?.destroy(); // the engine may stop reading it (a cancel, a refusal): close it here
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/**
 * What to ask the engine to save, as `docker save` names it: a reference as picked (that tag
 * alone), and an image id (a row of the images list) by every tag the image has. The tar's
 * manifest lists the names it was asked for, so `docker load` gives back those tags; saved by its
 * id alone it lists none ("RepoTags": null) and loads as <none>:<none>, which is all an image
 * without tags can be.
 */
async function namesToSave(docker: Dockerode, refs: string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const ref of refs) {
    const hex = /^(?:sha256:)?([0-9a-f]{1,64})$/.exec(ref)?.[1];
    const image = hex ? ((await docker.getImage(ref).inspect()) as { Id: string; RepoTags?: string[] | null }) : undefined;
    const isId = image !== undefined && image.Id.startsWith(`sha256:${hex}`) && !image.RepoTags?.includes(`${ref}:latest`);
    const tags = isId ? (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>') : [];
    for (const name of tags.length ? tags : [ref]) names.add(name);
  }
  return [...names];
}

/** A registry refusal can also come as the engine's HTTP answer, before any progress. */
function asRegistryError(e: unknown): never {
  if (typeof (e as { statusCode?: unknown }).statusCode === 'number') throw registryError(engineMessage(e as Parameters<typeof engineMessage>[0]));
  throw e;
}

async function sendProgress(ms: EngineMessage[], sink: StreamSink<LayerProgress[]>): Promise<void> {
  const batch = ms.map(toLayerProgress).filter((p): p is LayerProgress => p !== undefined);
  if (batch.length) await sink.write(batch);
}
