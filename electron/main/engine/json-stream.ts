/**
 * The engine's JSON-lines progress streams (pull, push, build, load): one object per line, with
 * `status`/`progressDetail` per layer, `stream` text, `aux` results, or `error` when it failed
 * midway (the HTTP status was already 200 by then).
 */
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { LayerProgress } from '../../shared/models';
import { LineSplitter, MAX_JSON_LINE } from './log-stream';

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
 * (awaited: backpressure). Throws the engine's own error when a line carries one. A progress
 * message is small: a line over MAX_JSON_LINE, or one that is not JSON, is an error (never held
 * whole, never guessed at).
 */
export async function readJsonStream(stream: Readable, onBatch: (messages: EngineMessage[]) => Promise<void>, mapError: (message: string) => BerthError = registryError): Promise<void> {
  const lines = new LineSplitter(MAX_JSON_LINE);
  // the messages before an error line still reach onBatch (a build's last status names the failed step)
  const parse = (batch: string[]): { out: EngineMessage[]; error?: BerthError } => {
    if (lines.skipped) throw new BerthError('ENGINE_ERROR', `The engine sent a progress message of over ${MAX_JSON_LINE / 1024 / 1024} MiB; that is no progress message, so Berth stopped reading.`);
    const out: EngineMessage[] = [];
    for (const line of batch) {
      if (!line.trim()) continue;
      const m = parseMessage(line);
      if (m.error || m.errorDetail?.message) return { out, error: mapError((m.errorDetail?.message ?? m.error)!.trim()) };
      out.push(m);
    }
    return { out };
  };
  const take = async ({ out, error }: { out: EngineMessage[]; error?: BerthError }) => {
    if (out.length) await onBatch(out);
    if (error) throw error;
  };
  for await (const data of stream) await take(parse(lines.push(data as Buffer)));
  await take(parse(lines.flush()));
}

function parseMessage(line: string): EngineMessage {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    m = undefined;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new BerthError('ENGINE_ERROR', `The engine sent a progress line that is not a JSON object: ${line.slice(0, 200)}`);
  return m;
}
