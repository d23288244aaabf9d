/**
 * Terminals: one shell session per target (a container's exec shell, or the host shell), kept while the user switches tabs or
 * containers. Output also goes into a replay buffer of TERMINAL_REPLAY_CHARS chars, so a
 * reattached xterm shows the screen again. Output is acknowledged once xterm has rendered it
 * (flow control: the engine side pauses past 100k unacknowledged chars); while no view is
 * attached it is acknowledged at once, so a hidden session never stalls.
 * An ended session (the shell exited, or the connection to Berth was lost) keeps its screen and
 * says why; a view attached to it later shows that, and only the user starts a new shell
 * (`discardTerminal`, then attach), never a reconnect or a remount on its own. Only the latest
 * KEPT_ENDED_TERMINALS ended sessions keep their screen (e.g. of containers since removed).
 */
import { create } from 'zustand';
import type { StreamArgsOf, TerminalInput } from '../../electron/shared/api-contract';
import { api } from '../api';
import type { StreamHandle } from '../api/client';
import type { BerthError } from '../../electron/shared/errors';

export const TERMINAL_REPLAY_CHARS = 256 * 1024;
/**
 * Ended sessions kept for their screen (each up to TERMINAL_REPLAY_CHARS). Past this the oldest
 * ended one not on screen is forgotten, so shells of containers long gone do not pile up.
 */
export const KEPT_ENDED_TERMINALS = 4;

export type Writer = (data: string, rendered: () => void) => void;

interface Session {
  handle: StreamHandle<TerminalInput>;
  chunks: string[];
  size: number;
  writer?: Writer;
  ended?: boolean;
  /** When it ended, in order of ending (for forgetting the oldest). */
  endedSeq?: number;
}

export interface TerminalStatus {
  state: 'open' | 'ended' | 'error';
  message?: string;
  /** The connection to Berth was lost: the view offers to reconnect (a new shell). */
  reconnect?: boolean;
}

export const CONNECTION_LOST = 'Lost the connection to Berth, and with it this shell session. Reconnect starts a new shell.';

/** What a container terminal runs: `command` (default bash, else sh), as `user`, in `workdir`. */
export type ExecChoice = Pick<StreamArgsOf<'containers.exec'>, 'command' | 'user' | 'workdir'>;
/** One session per target; a container's `exec` choice applies when its session starts. */
export type TerminalTarget = { kind: 'container'; id: string; exec?: ExecChoice } | { kind: 'host' };
const keyOf = (t: TerminalTarget) => (t.kind === 'host' ? 'host' : `container:${t.id}`);

const sessions = new Map<string, Session>();
/** Status per target key; read it with `terminalStatus`. */
export const useTerminals = create<{ status: Record<string, TerminalStatus> }>(() => ({ status: {} }));
export const terminalStatus = (t: TerminalTarget) => (s: { status: Record<string, TerminalStatus> }) => s.status[keyOf(t)];

const setStatus = (key: string, s: TerminalStatus) => useTerminals.setState((st) => ({ status: { ...st.status, [key]: s } }));

let endings = 0;
/** Marks a session ended, and forgets the oldest ended sessions no view shows past KEPT_ENDED_TERMINALS. */
function markEnded(session: Session): void {
  if (session.ended) return;
  session.ended = true;
  session.endedSeq = ++endings;
  const ended = [...sessions].filter(([, s]) => s.ended).sort(([, a], [, b]) => a.endedSeq! - b.endedSeq!);
  const forget = ended.filter(([, s]) => !s.writer).slice(0, Math.max(0, ended.length - KEPT_ENDED_TERMINALS));
  if (!forget.length) return;
  for (const [key] of forget) sessions.delete(key);
  useTerminals.setState((st) => ({ status: Object.fromEntries(Object.entries(st.status).filter(([key]) => !forget.some(([k]) => k === key))) }));
}

function start(target: TerminalTarget, cols: number, rows: number): Session {
  const key = keyOf(target);
  const session: Session = { chunks: [], size: 0, handle: undefined as unknown as StreamHandle<TerminalInput> };
  const callbacks = {
    onData: (text: string) => {
      session.chunks.push(text);
      session.size += text.length;
      while (session.size > TERMINAL_REPLAY_CHARS && session.chunks.length > 1) session.size -= session.chunks.shift()!.length;
      const ack = () => session.handle.send({ ack: text.length });
      if (session.writer) session.writer(text, ack);
      else ack();
    },
    onEnd: (error?: BerthError) => {
      if (sessions.get(key) !== session) return; // closed or replaced meanwhile
      if (error?.code === 'DISCONNECTED') setStatus(key, { state: 'error', message: CONNECTION_LOST, reconnect: true });
      else setStatus(key, error ? { state: 'error', message: error.message } : { state: 'ended', message: 'The shell exited.' });
      markEnded(session);
    },
  };
  session.handle = target.kind === 'host' ? api().stream('host.shell', { cols, rows }, callbacks) : api().stream('containers.exec', { id: target.id, cols, rows, ...target.exec }, callbacks);
  sessions.set(key, session);
  setStatus(key, { state: 'open' });
  return session;
}

/** Shows the target's session in a view (running or ended: its screen), or starts a shell when it has none; returns the detach. */
export function attachTerminal(target: TerminalTarget, writer: Writer, size: { cols: number; rows: number }): () => void {
  let session = sessions.get(keyOf(target));
  if (session) {
    writer(session.chunks.join(''), () => {}); // replay: already acknowledged
    if (!session.ended) session.handle.send({ resize: size });
  } else {
    session = start(target, size.cols, size.rows);
  }
  session.writer = writer;
  const s = session;
  return () => {
    if (s.writer === writer) s.writer = undefined;
  };
}

const live = (t: TerminalTarget) => {
  const s = sessions.get(keyOf(t));
  return s && !s.ended ? s : undefined;
};
export const terminalInput = (t: TerminalTarget, data: string) => live(t)?.handle.send({ data });
export const terminalResize = (t: TerminalTarget, cols: number, rows: number) => live(t)?.handle.send({ resize: { cols, rows } });

/** Ends the target's shell (its screen stays until discarded). */
export function closeTerminal(t: TerminalTarget): void {
  const key = keyOf(t);
  const s = sessions.get(key);
  if (s && !s.ended) {
    markEnded(s);
    s.handle.cancel();
  }
  setStatus(key, { state: 'ended', message: 'Session closed.' });
}

/** Forgets an ended session, so the next attach starts a new shell (the view's New session / Reconnect). */
export function discardTerminal(t: TerminalTarget): void {
  if (sessions.get(keyOf(t))?.ended) sessions.delete(keyOf(t));
}

/** Whether the target has a shell running. */
export const hasTerminal = (t: TerminalTarget) => live(t) !== undefined;
