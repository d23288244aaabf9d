/**
 * Terminals: one shell session per target (a container's exec shell, or the host shell), kept while the user switches tabs or
 * containers. Output also goes into a replay buffer of TERMINAL_REPLAY_CHARS chars, so a
 * reattached xterm shows the screen again. Output is acknowledged once xterm has rendered it
 * (flow control: the engine side pauses past 100k unacknowledged chars); while no view is
 * attached it is acknowledged at once, so a hidden session never stalls.
 */
import { create } from 'zustand';
import type { TerminalInput } from '../../electron/shared/api-contract';
import { api } from '../api';
import type { StreamHandle } from '../api/client';

export const TERMINAL_REPLAY_CHARS = 256 * 1024;

export type Writer = (data: string, rendered: () => void) => void;

interface Session {
  handle: StreamHandle<TerminalInput>;
  chunks: string[];
  size: number;
  writer?: Writer;
}

export interface TerminalStatus {
  state: 'open' | 'ended' | 'error';
  message?: string;
}

export type TerminalTarget = { kind: 'container'; id: string } | { kind: 'host' };
const keyOf = (t: TerminalTarget) => (t.kind === 'host' ? 'host' : `container:${t.id}`);

const sessions = new Map<string, Session>();
/** Status per target key; read it with `terminalStatus`. */
export const useTerminals = create<{ status: Record<string, TerminalStatus> }>(() => ({ status: {} }));
export const terminalStatus = (t: TerminalTarget) => (s: { status: Record<string, TerminalStatus> }) => s.status[keyOf(t)];

const setStatus = (key: string, s: TerminalStatus) => useTerminals.setState((st) => ({ status: { ...st.status, [key]: s } }));

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
    onEnd: (error?: Error) => {
      if (sessions.get(key) === session) sessions.delete(key);
      setStatus(key, error ? { state: 'error', message: error.message } : { state: 'ended', message: 'The shell exited.' });
    },
  };
  session.handle = target.kind === 'host' ? api().stream('host.shell', { cols, rows }, callbacks) : api().stream('containers.exec', { id: target.id, cols, rows }, callbacks);
  sessions.set(key, session);
  setStatus(key, { state: 'open' });
  return session;
}

/** Shows the target's shell in a view (starting one if needed); returns the detach. */
export function attachTerminal(target: TerminalTarget, writer: Writer, size: { cols: number; rows: number }): () => void {
  let session = sessions.get(keyOf(target));
  if (session) {
    writer(session.chunks.join(''), () => {}); // replay: already acknowledged
    session.handle.send({ resize: size });
  } else {
    session = start(target, size.cols, size.rows);
  }
  session.writer = writer;
  const s = session;
  return () => {
    if (s.writer === writer) s.writer = undefined;
  };
}

export const terminalInput = (t: TerminalTarget, data: string) => sessions.get(keyOf(t))?.handle.send({ data });
export const terminalResize = (t: TerminalTarget, cols: number, rows: number) => sessions.get(keyOf(t))?.handle.send({ resize: { cols, rows } });

/** Ends the target's shell. */
export function closeTerminal(t: TerminalTarget): void {
  const key = keyOf(t);
  const s = sessions.get(key);
  sessions.delete(key);
  s?.handle.cancel();
  setStatus(key, { state: 'ended', message: 'Session closed.' });
}

export const hasTerminal = (t: TerminalTarget) => sessions.has(keyOf(t));
