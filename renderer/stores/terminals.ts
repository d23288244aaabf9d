/**
 * Exec terminals: one shell session per container, kept while the user switches tabs or
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

const sessions = new Map<string, Session>();
export const useTerminals = create<{ status: Record<string, TerminalStatus> }>(() => ({ status: {} }));

const setStatus = (id: string, s: TerminalStatus) => useTerminals.setState((st) => ({ status: { ...st.status, [id]: s } }));

function start(id: string, cols: number, rows: number): Session {
  const session: Session = { chunks: [], size: 0, handle: undefined as unknown as StreamHandle<TerminalInput> };
  session.handle = api().stream('containers.exec', { id, cols, rows }, {
    onData: (text) => {
      session.chunks.push(text);
      session.size += text.length;
      while (session.size > TERMINAL_REPLAY_CHARS && session.chunks.length > 1) session.size -= session.chunks.shift()!.length;
      const ack = () => session.handle.send({ ack: text.length });
      if (session.writer) session.writer(text, ack);
      else ack();
    },
    onEnd: (error) => {
      if (sessions.get(id) === session) sessions.delete(id);
      setStatus(id, error ? { state: 'error', message: error.message } : { state: 'ended', message: 'The shell exited.' });
    },
  });
  sessions.set(id, session);
  setStatus(id, { state: 'open' });
  return session;
}

/** Shows container `id`'s shell in a view (starting one if needed); returns the detach. */
export function attachTerminal(id: string, writer: Writer, size: { cols: number; rows: number }): () => void {
  let session = sessions.get(id);
  if (session) {
    writer(session.chunks.join(''), () => {}); // replay: already acknowledged
    session.handle.send({ resize: size });
  } else {
    session = start(id, size.cols, size.rows);
  }
  session.writer = writer;
  const s = session;
  return () => {
    if (s.writer === writer) s.writer = undefined;
  };
}

export const terminalInput = (id: string, data: string) => sessions.get(id)?.handle.send({ data });
export const terminalResize = (id: string, cols: number, rows: number) => sessions.get(id)?.handle.send({ resize: { cols, rows } });

/** Ends the shell of container `id`. */
export function closeTerminal(id: string): void {
  const s = sessions.get(id);
  sessions.delete(id);
  s?.handle.cancel();
  setStatus(id, { state: 'ended', message: 'Session closed.' });
}

export const hasTerminal = (id: string) => sessions.has(id);
