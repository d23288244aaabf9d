/**
 * Docker log streams -> LogLine batches. Without a TTY the engine multiplexes stdout and stderr in
 * frames (8-byte header: stream type, 3 zero bytes, big-endian payload size); with a TTY it sends
 * raw bytes. Lines are split per stream (a line may span frames and reads) and the timestamp the
 * engine prefixes (we always ask for it) is split off.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogLine } from '../../shared/models';

export type StreamKind = 'stdout' | 'stderr';

/** Splits multiplexed frames, keeping partial headers/payloads across pushes. */
export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  push(data: Buffer): { stream: StreamKind; data: Buffer }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    const out: { stream: StreamKind; data: Buffer }[] = [];
    let off = 0;
    while (this.buf.length - off >= 8) {
      const size = this.buf.readUInt32BE(off + 4);
      if (this.buf.length - off - 8 < size) break;
      const type = this.buf[off];
      out.push({ stream: type === 2 ? 'stderr' : 'stdout', data: this.buf.subarray(off + 8, off + 8 + size) });
      off += 8 + size;
    }
    this.buf = this.buf.subarray(off);
    return out;
  }
}

/** Complete lines from text pushed in pieces; `flush` returns the unterminated rest. */
export class LineSplitter {
  private carry = '';
  private readonly decoder = new TextDecoder('utf-8');

  push(data: Buffer): string[] {
    const text = this.carry + this.decoder.decode(data, { stream: true });
    const lines = text.split('\n');
    this.carry = lines.pop()!;
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  flush(): string[] {
    const rest = this.carry + this.decoder.decode();
    this.carry = '';
    return rest ? [rest] : [];
  }
}

const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

export function toLogLine(raw: string, stream: StreamKind): LogLine {
  const m = TS.exec(raw);
  const line: LogLine = m ? { time: m[1], text: raw.slice(m[0].length) } : { text: raw };
  if (stream === 'stderr') line.err = true;
  return line;
}

/** Turns the engine's log byte stream into batches of lines, one batch per read. */
export class LogDecoder {
  private readonly demux: FrameDemuxer | undefined;
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(tty: boolean) {
    this.demux = tty ? undefined : new FrameDemuxer();
  }

  push(data: Buffer): LogLine[] {
    const frames = this.demux ? this.demux.push(data) : [{ stream: 'stdout' as const, data }];
    const out: LogLine[] = [];
    for (const f of frames) for (const l of this.splitters[f.stream].push(f.data)) out.push(toLogLine(l, f.stream));
    return out;
  }

  flush(): LogLine[] {
    return (['stdout', 'stderr'] as const).flatMap((s) => this.splitters[s].flush().map((l) => toLogLine(l, s)));
  }
}

export interface LogOptions {
  follow: boolean;
  tail: number | 'all';
  since?: number;
}

/** Opens the engine's log stream (always as a stream, so even a huge snapshot is never held whole). */
export async function openLogStream(docker: Dockerode, id: string, opts: LogOptions): Promise<{ tty: boolean; stream: Readable }> {
  const info = await docker.getContainer(id).inspect();
  const stream = await new Promise<Readable>((resolve, reject) =>
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        options: { stdout: true, stderr: true, timestamps: true, follow: opts.follow, tail: String(opts.tail), ...(opts.since ? { since: opts.since } : {}) },
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as Readable)),
    ),
  );
  return { tty: !!info.Config?.Tty, stream };
}
