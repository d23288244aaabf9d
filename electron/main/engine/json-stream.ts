/**
 * The engine's JSON-lines progress streams (pull, push, build, load): one object per line, with
 * `status`/`progressDetail` per layer, `stream` text, `aux` results, or `error` when it failed
 * midway (the HTTP status was already 200 by then).
 */
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { LayerProgress } from '../../shared/models';
import { LineSplitter } from './log-stream';

export interface EngineMessage {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: { ID?: string; Tag?: string; Digest?: string };
  error?: string;
  errorDetail?: { message?: string };
}

/** What a failed pull/push says, as an error the user can act on. */
export function registryError(message: string): BerthError {
  if (/unauthorized|authentication required|denied|no basic auth credentials|incorrect username or password/i.test(message)) return new BerthError('REGISTRY_AUTH', message);
  if (/manifest unknown|not found|does not exist|repository .* not found|No such image/i.test(message)) return new BerthError('NOT_FOUND', message);
  return new BerthError('ENGINE_ERROR', message);
}

export function toLayerProgress(m: EngineMessage): LayerProgress | undefined {
  if (!m.status) return undefined;
  const p: LayerProgress = { status: m.status };
  if (m.id) p.id = m.id;
  if (m.progressDetail?.total) {
    p.current = m.progressDetail.current ?? 0;
    p.total = m.progressDetail.total;
  }
  return p;
}

/**
 * Reads the stream to its end, handing each batch of messages (one engine read) to `onBatch`
 * (awaited: backpressure). Throws the engine's own error when a line carries one.
 */
export async function readJsonStream(stream: Readable, onBatch: (messages: EngineMessage[]) => Promise<void>, mapError: (message: string) => BerthError = registryError): Promise<void> {
  const lines = new LineSplitter();
  const parse = (lines: string[]): EngineMessage[] => {
    const out: EngineMessage[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as EngineMessage;
      if (m.error || m.errorDetail?.message) throw mapError((m.errorDetail?.message ?? m.error)!.trim());
      out.push(m);
    }
    return out;
  };
  for await (const data of stream) {
    const batch = parse(lines.push(data as Buffer));
    if (batch.length) await onBatch(batch);
  }
  const rest = parse(lines.flush());
  if (rest.length) await onBatch(rest);
}
