/**
 * BuildKit's status stream, as the engine relays it in a version=2 build: `moby.buildkit.trace`
 * messages whose `aux` is a base64 StatusResponse (protobuf; the schema dockerode ships). Folded
 * into a list of steps (cached / running / done / failed, with times) and the steps' log text.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { BuildStep } from '../../shared/models';

interface Timestamp {
  seconds: string;
  nanos: number;
}
interface Status {
  vertexes: { digest: string; inputs: string[]; name: string; cached: boolean; started?: Timestamp; completed?: Timestamp; error: string }[];
  logs: { vertex: string; msg: Buffer }[];
}

let type: protobuf.Type | undefined;
function statusType(): protobuf.Type {
  if (!type) {
    const file = createRequire(__filename).resolve('dockerode/lib/proto/buildkit_status.proto');
    type = protobuf.loadSync(file).lookupType('moby.buildkit.v1.StatusResponse');
  }
  return type;
}

const ms = (t?: Timestamp) => (t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : undefined);

export function decodeStatus(base64: string): Status {
  const t = statusType();
  return t.toObject(t.decode(Buffer.from(base64, 'base64')), { longs: String, defaults: true }) as Status;
}

/** The build's steps so far, updated by each status message. */
export class BuildProgress {
  private readonly steps = new Map<string, BuildStep>();

  /** Folds one status in; returns its log text (each line prefixed by its step's number). */
  add(status: Status): string {
    for (const v of status.vertexes) {
      const prev = this.steps.get(v.digest);
      const completedAt = ms(v.completed);
      const startedAt = ms(v.started) ?? prev?.startedAt;
      const state: BuildStep['state'] = v.error ? 'error' : v.cached ? 'cached' : completedAt ? 'done' : startedAt ? 'running' : 'waiting';
      this.steps.set(v.digest, {
        id: v.digest,
        number: prev?.number ?? this.steps.size + 1,
        name: v.name,
        parents: v.inputs,
        state,
        ...(startedAt ? { startedAt } : {}),
        ...(completedAt ? { completedAt } : {}),
        ...(v.error ? { error: v.error } : {}),
      });
    }
    let text = '';
    for (const l of status.logs) {
      const n = this.steps.get(l.vertex)?.number ?? 0;
      const body = Buffer.from(l.msg).toString('utf8');
      for (const line of body.split('\n')) if (line) text += `#${n} ${line}\n`;
    }
    return text;
  }

  /** The steps in the order BuildKit first named them. */
  list(): BuildStep[] {
    return [...this.steps.values()].sort((a, b) => a.number - b.number);
  }

  /** The steps once the build failed: those still running did not finish. */
  failed(): BuildStep[] {
    return this.list().map((s) => (s.state === 'running' || s.state === 'waiting' ? { ...s, state: 'error' as const } : s));
  }
}
