/**
 * One Berth per data folder. The first to start listens on its instance socket (paths.instance,
 * mode 0600 in the 0700 run folder); a second one connects, asks it to show itself, and hands over:
 * browser mode prints the first's dashboard URL, the desktop app brings its window to the front.
 *
 * The look at the socket and the listen happen under the data-folder lock, so two Berths starting
 * at the same moment cannot both become the first. A socket left by a Berth that died (kill -9)
 * refuses connections: it is removed and taken over. A first Berth that is quitting may drop the
 * connection before it answers: the second looks again, and takes over once the first is gone.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { BerthError } from '../shared/errors';
import { exactHashOf } from '../shared/route';
import { withFileLock } from './data-lock';
import { LineSplitter } from './engine/log-stream';
import { dataDir, lockFor, paths } from './paths';

/** What the first Berth answers: its dashboard (browser mode) or that its window is in front (the app). */
export interface ShowReply {
  pid: number;
  url?: string;
  window?: boolean;
}

export type InstanceClaim = { first: true; release(): Promise<void> } | { first: false; reply: ShowReply };

export interface ClaimOptions {
  env?: NodeJS.ProcessEnv;
  /** Called in the first Berth when a second one asks it to show itself (at `link`, a place's URL hash, when it names one). */
  onShow: (link?: string) => Omit<ShowReply, 'pid'> | Promise<Omit<ShowReply, 'pid'>>;
  /** The place this Berth was asked to open (`berth open`): handed to the first one if there is one. */
  link?: string;
  /** How long a second Berth waits for the first to answer (default 10 s). */
  answerMs?: number;
}

/** The one line a connection sends or answers, as JSON; undefined when it closes first or sends no JSON. */
function firstMessage(c: Socket): Promise<unknown> {
  return new Promise((resolve) => {
    if (c.destroyed) return resolve(undefined); // closed already: no 'close' is coming
    const lines = new LineSplitter();
    c.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) {
        try {
          return resolve(JSON.parse(line));
        } catch {
          return resolve(undefined);
        }
      }
    });
    c.once('close', () => resolve(undefined));
  });
}

/** A connection to a live Berth on the socket, or undefined when none listens there. */
function reach(socket: string): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let connected = false;
    c.once('connect', () => {
      connected = true;
      resolve(c);
    });
    c.on('error', (e: NodeJS.ErrnoException) => {
      if (connected) return; // a reset once connected ends in 'close', which ask() sees
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(undefined);
      else reject(e);
    });
  });
}

function answer(c: Socket, onShow: ClaimOptions['onShow']): void {
  c.on('error', () => c.destroy());
  c.setTimeout(30_000, () => c.destroy()); // a client that never asks
  void firstMessage(c).then(async (m) => {
    const ask = m as { op?: unknown; link?: unknown } | undefined;
    if (ask?.op !== 'show') return c.destroy();
    const link = typeof ask.link === 'string' && exactHashOf(ask.link) === ask.link ? ask.link : undefined; // a place's hash as route.ts writes it, nothing else
    const reply = await Promise.resolve()
      .then(() => onShow(link))
      .catch(() => ({}));
    if (c.writable) c.end(JSON.stringify({ ...reply, pid: process.pid } satisfies ShowReply) + '\n');
  });
}

/**
 * Asks the first Berth to show itself: its reply, 'silent' when it did not answer in time, or
 * 'dropped' when the connection closed without an answer (e.g. that Berth is quitting).
 */
async function ask(c: Socket, answerMs: number, link?: string): Promise<ShowReply | 'silent' | 'dropped'> {
  let silent = false;
  c.setTimeout(answerMs, () => {
    silent = true;
    c.destroy();
  });
  if (!c.destroyed) c.write(JSON.stringify({ op: 'show', ...(link ? { link } : {}) }) + '\n');
  const reply = (await firstMessage(c)) as Partial<ShowReply> | undefined;
  c.destroy();
  if (!reply || typeof reply.pid !== 'number') return silent ? 'silent' : 'dropped';
  return { pid: reply.pid, ...(typeof reply.url === 'string' ? { url: reply.url } : {}), ...(reply.window === true ? { window: true } : {}) };
}

/** How often a second Berth looks again when the first dropped the connection without answering. */
const TRIES = 3;

/** Becomes the Berth of this data folder, or hands over to the one that is already. */
export async function claimInstance(opts: ClaimOptions): Promise<InstanceClaim> {
  const env = opts.env ?? process.env;
  const socket = paths.instance(env);
  await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
  for (let tries = 1; ; tries++) {
    // The data-folder lock, the same one every settings write holds.
    const found = await withFileLock(lockFor(paths.settings(env)), async (): Promise<{ answer: ReturnType<typeof ask> } | { claim: InstanceClaim }> => {
      const other = await reach(socket);
      // Asked at once, so a close right after connecting is seen.
      if (other) return { answer: ask(other, opts.answerMs ?? 10_000, opts.link) };
      await rm(socket, { force: true }); // left by a Berth that died
      return { claim: await listen(socket, opts.onShow) };
    });
    if ('claim' in found) return found.claim;
    const answer = await found.answer;
    if (typeof answer === 'object') return { first: false, reply: answer };
    if (answer === 'silent' || tries === TRIES) {
      throw new BerthError('CONFLICT', `Another Berth is using the data folder ${dataDir(env)} but did not answer.`, {
        hint: 'Quit the other Berth, or give this one its own data folder with BERTH_HOME.',
      });
    }
  }
}

/** Listens on the instance socket as the first Berth of the folder. */
async function listen(socket: string, onShow: ClaimOptions['onShow']): Promise<InstanceClaim & { first: true }> {
  const open = new Set<Socket>();
  const server: Server = createServer((c) => {
    open.add(c);
    c.once('close', () => open.delete(c));
    answer(c, onShow);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  await chmod(socket, 0o600);
  return {
    first: true,
    release: () =>
      new Promise<void>((resolve) => {
        for (const c of open) c.destroy();
        server.close(() => resolve()); // removes the socket file
      }),
  };
}
