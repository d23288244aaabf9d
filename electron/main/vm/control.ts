/**
 * The VM daemon's control socket (run/vm.sock, 0600): newline-delimited JSON. A client sends
 * `{id, op}` (op: status | start | stop) and gets `{id, info}` or `{id, error}` when the op is
 * done; every state change is pushed to every client as `{info}`.
 */
import { join } from 'node:path';
import { LineSplitter } from '../engine/log-stream';
import { paths } from '../paths';
import type { VmInfo } from './manager';

export type VmOp = 'status' | 'start' | 'stop';
export interface ControlRequest {
  id: number;
  op: VmOp;
}
export type ControlMessage = { id?: number; info: VmInfo } | { id: number; error: { message: string; hint?: string } };

export const controlSocket = (env?: NodeJS.ProcessEnv) => join(paths.run(env), 'vm.sock');

/** Splits a byte stream into JSON messages, one per line; a line that is not JSON is dropped. */
export function jsonLines(onMessage: (m: unknown) => void): (chunk: Buffer) => void {
  const lines = new LineSplitter();
  return (chunk) => {
    for (const line of lines.push(chunk)) {
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line));
      } catch {
        /* not ours */
      }
    }
  };
}
