/**
 * Docker log streams -> LogLine batches. Without a TTY the engine multiplexes stdout and stderr in
 * frames (8-byte header: stream type, 3 zero bytes, big-endian payload size), one frame per log
 * message; with a TTY it sends raw bytes. Every message starts with the timestamp the engine puts
 * there (we always ask for it). A line without a newline comes as several messages: the engine's
 * log copier cuts it every 16 KiB, and each piece gets a timestamp of its own, which we take out.
 *
 * Splitting is linear in the bytes, whatever the output: a line is never re-joined as it grows,
 * and one longer than MAX_LINE is handed on in pieces of MAX_LINE, each but the last marked `more`
 * (the UI shows the pieces as rows that continue each other; copy joins them again).
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogLine } from '../../shared/models';

export type StreamKind = 'stdout' | 'stderr';

/** The longest line (UTF-16 chars) handed on whole; a longer one comes in pieces. */
export const MAX_LINE = 64 * 1024;
/** The longest line a JSON-lines protocol may send (an engine progress message is a few hundred bytes). */
export const MAX_JSON_LINE = 1024 * 1024;

export interface Frame {
  stream: StreamKind;
  data: Buffer;
  /** A frame (a log message) starts with this piece. */
  start: boolean;
  /** The frame (the message) ends with this piece. */
  end?: boolean;
}

/** Splits multiplexed frames into their payload, piece by piece as it arrives (never holding a frame whole). */
export class FrameDemuxer {
  private readonly header = Buffer.alloc(8);
  private headerSize = 0;
  private left = 0;
  private stream: StreamKind = 'stdout';
  private first = false;

  push(data: Buffer): Frame[] {
    const out: Frame[] = [];
    let off = 0;
    while (off < data.length) {
      if (this.left === 0) {
        let header = data;
        let at = off;
        if (this.headerSize > 0 || data.length - off < 8) {
          const n = Math.min(8 - this.headerSize, data.length - off); // a header cut by a read
          data.copy(this.header, this.headerSize, off, off + n);
          this.headerSize += n;
          off += n;
          if (this.headerSize < 8) break;
          header = this.header;
          at = 0;
        } else off += 8;
        this.headerSize = 0;
        this.stream = header[at] === 2 ? 'stderr' : 'stdout';
        this.left = header.readUInt32BE(at + 4);
        this.first = true;
        continue;
      }
      const n = Math.min(this.left, data.length - off);
      this.left -= n;
      out.push({ stream: this.stream, data: data.subarray(off, off + n), start: this.first, ...(this.left === 0 ? { end: true } : {}) });
      this.first = false;
      off += n;
    }
    return out;
  }
}

/** A line, or a piece of a line longer than the splitter's cap. */
export interface LinePiece {
  text: string;
  /** The line goes on in the next piece. */
  more?: true;
}

export interface SplitOptions {
  /** The longest piece, in UTF-16 chars (MAX_LINE unless told). */
  max?: number;
  /**
   * A line redrawn with `\r` (a progress bar) keeps only its latest state, as a terminal shows it:
   * the text after the last `\r` that something followed. Pieces already handed on stay.
   */
  redraw?: boolean;
}

/** Splits text pushed in pieces into lines (LF or CRLF), in time linear in its length. */
export class LinePieces {
  private parts: string[] = [];
  private size = 0;
  /** Redraw mode: a `\r` ended the data so far (a redraw if the line goes on, else a CRLF). */
  private cr = false;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly max: number;
  private readonly redraw: boolean;

  constructor(opts: SplitOptions = {}) {
    this.max = Math.max(2, opts.max ?? MAX_LINE);
    this.redraw = !!opts.redraw;
  }

  /** Nothing held: the last push ended a line (so the decoder holds no part of a character either). */
  private clean = true;

  /** Part of a line is held, waiting for its end. */
  get pending(): boolean {
    return this.size > 0;
  }

  push(data: Uint8Array): LinePiece[] {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    return this.pushRange(buf, 0, buf.length);
  }

  /** The bytes from `start` to `end` of `buf`, without a Buffer of their own. */
  pushRange(buf: Buffer, start: number, end: number): LinePiece[] {
    if (start >= end) return [];
    const whole = buf[end - 1] === 0x0a;
    // Ending a line, after a push that ended one: nothing is pending, so the fast decoding is the same.
    const text = this.clean && whole ? buf.toString('utf8', start, end) : this.decoder.decode(buf.subarray(start, end), { stream: true });
    this.clean = whole;
    return this.split(text);
  }

  /** The pieces of the text so far, the unterminated rest included. */
  flush(): LinePiece[] {
    const out = this.split(this.decoder.decode());
    if (this.size) this.endLine(out);
    this.cr = false;
    this.clean = true;
    return out;
  }

  private split(text: string): LinePiece[] {
    const out: LinePiece[] = [];
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      const seg = nl < 0 ? text.slice(pos) : text.slice(pos, nl);
      if (nl >= 0 && this.size === 0 && !this.cr && seg.length <= this.max && (!this.redraw || !hasRedraw(seg))) {
        out.push({ text: seg.endsWith('\r') ? seg.slice(0, -1) : seg }); // the common case: a whole line in one piece of text
      } else {
        this.append(seg, out);
        if (nl >= 0) this.endLine(out);
      }
      if (nl < 0) return out;
      pos = nl + 1;
    }
  }

  private append(seg: string, out: LinePiece[]): void {
    if (this.redraw) {
      let end = seg.length;
      while (end > 0 && seg.charCodeAt(end - 1) === 13) end--;
      const r = end > 0 ? seg.lastIndexOf('\r', end - 1) : -1;
      if (r >= 0 || (this.cr && end > 0)) {
        this.parts = []; // redrawn from the line's start
        this.size = 0;
      }
      if (end < seg.length) this.cr = true;
      else if (end > 0) this.cr = false;
      seg = seg.slice(r + 1, end);
    }
    if (!seg) return;
    this.parts.push(seg);
    this.size += seg.length;
    if (this.size > this.max) this.cut(out);
  }

  /** Hands on pieces of `max` chars until what is held is no longer than that. */
  private cut(out: LinePiece[]): void {
    const s = this.parts.join('');
    let at = 0;
    while (s.length - at > this.max) {
      let end = at + this.max;
      const c = s.charCodeAt(end - 1);
      if ((c >= 0xd800 && c <= 0xdbff) || c === 13) end--; // never between a surrogate pair, nor a CR and its LF
      out.push({ text: s.slice(at, end), more: true });
      at = end;
    }
    const rest = s.slice(at);
    this.parts = [rest];
    this.size = rest.length;
  }

  private endLine(out: LinePiece[]): void {
    let text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    out.push({ text });
    this.parts = [];
    this.size = 0;
    this.cr = false;
  }
}

/** A `\r` in a line that is not its CRLF ending. */
function hasRedraw(line: string): boolean {
  const r = line.indexOf('\r');
  return r >= 0 && r < line.length - 1;
}

/**
 * Whole lines, for line protocols (JSON lines). A line longer than `max` is never held whole: it
 * is skipped, and counted in `skipped` for the caller to report.
 */
export class LineSplitter {
  private readonly pieces: LinePieces;
  private skipping = false;
  /** Lines longer than the cap, skipped. */
  skipped = 0;

  constructor(max = MAX_LINE) {
    this.pieces = new LinePieces({ max });
  }

  push(data: Uint8Array): string[] {
    return this.whole(this.pieces.push(data));
  }

  flush(): string[] {
    return this.whole(this.pieces.flush());
  }

  private whole(pieces: LinePiece[]): string[] {
    const out: string[] = [];
    for (const p of pieces) {
      if (p.more) {
        if (!this.skipping) this.skipped++;
        this.skipping = true;
      } else if (this.skipping)
        this.skipping = false; // the last piece of a skipped line
      else out.push(p.text);
    }
    return out;
  }
}

const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;
/** Room for the engine's timestamp and its space ("2006-01-02T15:04:05.000000000Z " is 31). */
const TS_ROOM = 40;
/** The engine's log copier cuts a line that has no newline into messages of this many bytes. */
const PARTIAL_MESSAGE = 16 * 1024;
/** The most a message's details (`details=1`: "k=v,k=v ", URL-encoded, after the timestamp) may take. */
const DETAILS_ROOM = 8 * 1024;

/** A line with the details of the message it starts in (a service's log: its task and node). */
export interface DetailedLine extends LogLine {
  details?: string;
}

/**
 * One output stream of a container: takes the timestamp off each message and splits the text
 * into lines, each stamped with the time of the message it starts in.
 */
class StreamLines {
  private lines = new LinePieces({ redraw: true });
  private head: Buffer | undefined; // the start of a message, held until its timestamp can be told
  private atStart = true;
  private count = 0; // raw: bytes of the current message
  private time: string | undefined; // of the message being read
  private lineTime: string | undefined; // of the message the held part of a line started in
  private details: string | undefined; // of the message being read (with `withDetails`)
  /**
   * With details, messages of several sources (a service's tasks) interleave: each source's line
   * that a message left open (a long line's piece, a last line with no newline) is held apart.
   */
  private held = new Map<string, { lines: LinePieces; lineTime: string | undefined }>();

  constructor(
    private readonly kind: StreamKind,
    /** A TTY's raw stream: message boundaries are found (after a newline, or every PARTIAL_MESSAGE bytes), not framed. */
    private readonly raw: boolean,
    /** Each message has its details after the timestamp (`details=1`): taken out, and put on its lines. */
    private readonly withDetails = false,
  ) {}

  /** `end`: the frame (a message) ends with `data`. */
  push(data: Buffer, start: boolean, out: LogLine[], end = false): void {
    this.pushData(data, start, out);
    // With details (a service's log, whose stream stays open), a message shorter than the copier's
    // cut that ends with no newline is a last line (its task ended): it is not held for more.
    if (end && this.withDetails && !this.raw && !this.atStart && this.count < PARTIAL_MESSAGE && this.lines.pending) this.text(this.lines.flush(), out);
  }

  private pushData(data: Buffer, start: boolean, out: LogLine[]): void {
    if (start) this.atStart = true;
    let off = 0;
    let nl = -1; // raw: the next newline at or after `off`, found once per push
    while (off < data.length) {
      if (this.atStart) {
        if (this.head) {
          data = Buffer.concat([this.head, data.subarray(off)]); // rare: a read ended inside a timestamp
          this.head = undefined;
          off = 0;
          nl = -1;
        }
        const room = Math.min(TS_ROOM, data.length - off);
        if (room < TS_ROOM && data.indexOf(0x20, off) < 0) {
          this.head = Buffer.from(data.subarray(off)); // too short to tell yet: wait for more
          return;
        }
        const m = TS.exec(data.toString('latin1', off, off + room));
        let skip = m ? m[0].length : 0;
        this.details = undefined;
        if (m && this.withDetails) {
          const sp = data.indexOf(0x20, off + skip);
          if (sp < 0 && data.length - off < DETAILS_ROOM) {
            this.head = Buffer.from(data.subarray(off)); // the details go on in the next read
            return;
          }
          if (sp >= 0 && sp - off - skip <= DETAILS_ROOM) {
            this.details = data.toString('latin1', off + skip, sp);
            skip = sp + 1 - off;
          }
        }
        this.time = m?.[1];
        if (this.withDetails) this.switchTo(this.details ?? '');
        this.atStart = false;
        this.count = 0;
        off += skip;
        continue;
      }
      let end = data.length;
      if (this.raw) {
        if (nl < off) nl = data.indexOf(0x0a, off) >>> 0; // none: past the end
        end = Math.min(end, off + PARTIAL_MESSAGE - this.count);
        const lineEnd = nl < end;
        if (lineEnd) end = nl + 1;
        this.count += end - off;
        if (lineEnd || this.count === PARTIAL_MESSAGE) this.atStart = true;
      } else this.count += end - off;
      this.text(this.lines.pushRange(data, off, end), out);
      off = end;
    }
  }

  flush(out: LogLine[]): void {
    if (this.head) {
      const head = this.head;
      this.head = undefined;
      this.time = TS.exec(head.toString('latin1'))?.[1];
      let skip = this.time ? this.time.length + 1 : 0;
      if (this.time && this.withDetails) {
        const sp = head.indexOf(0x20, skip);
        this.details = head.toString('latin1', skip, sp < 0 ? head.length : sp);
        skip = sp < 0 ? head.length : sp + 1;
      }
      if (this.withDetails) this.switchTo(this.details ?? '');
      this.text(this.lines.push(head.subarray(skip)), out);
    }
    if (this.withDetails) {
      this.switchTo(undefined);
      for (const [details, h] of this.held) {
        this.details = details;
        this.lines = h.lines;
        this.lineTime = h.lineTime;
        this.text(this.lines.flush(), out);
      }
      this.held.clear();
    } else this.text(this.lines.flush(), out);
  }

  /** Puts the open line of the source read so far aside, and takes up `details`' (undefined: none). */
  private current: string | undefined;
  private switchTo(details: string | undefined): void {
    if (details === this.current) return;
    if (this.current !== undefined && this.lines.pending) this.held.set(this.current, { lines: this.lines, lineTime: this.lineTime });
    this.current = details;
    const h = details === undefined ? undefined : this.held.get(details);
    if (h) this.held.delete(details!);
    this.lines = h?.lines ?? new LinePieces({ redraw: true });
    this.lineTime = h?.lineTime;
  }

  private text(pieces: LinePiece[], out: LogLine[]): void {
    for (const line of pieces as DetailedLine[]) {
      const time = this.lineTime ?? this.time;
      if (time) line.time = time;
      if (this.kind === 'stderr') line.err = true;
      if (this.withDetails && this.details !== undefined) line.details = this.details;
      out.push(line);
      this.lineTime = undefined;
    }
    if (this.lines.pending) this.lineTime ??= this.time;
  }
}

/** Turns the engine's log byte stream into batches of lines, one batch per read. */
export class LogDecoder {
  private readonly demux: FrameDemuxer | undefined;
  private readonly streams: Record<StreamKind, StreamLines>;

  constructor(tty: boolean, opts: { details?: boolean } = {}) {
    this.demux = tty ? undefined : new FrameDemuxer();
    const d = !!opts.details;
    this.streams = { stdout: new StreamLines('stdout', tty, d), stderr: new StreamLines('stderr', tty, d) };
  }

  /** The lines of the bytes so far (each a DetailedLine when made with `details`). */
  push(data: Buffer): DetailedLine[] {
    const out: DetailedLine[] = [];
    if (!this.demux) this.streams.stdout.push(data, false, out);
    else for (const f of this.demux.push(data)) this.streams[f.stream].push(f.data, f.start, out, f.end);
    return out;
  }

  flush(): DetailedLine[] {
    const out: DetailedLine[] = [];
    this.streams.stdout.flush(out);
    this.streams.stderr.flush(out);
    return out;
  }
}

export interface LogOptions {
  follow: boolean;
  tail: number | 'all';
  /** Unix seconds: only lines from then, and (until) before then. */
  since?: number;
  until?: number;
}

/** Opens the engine's log stream (always as a stream, so even a huge snapshot is never held whole). */
export async function openLogStream(docker: Dockerode, id: string, opts: LogOptions): Promise<{ tty: boolean; stream: Readable }> {
  const info = await docker.getContainer(id).inspect();
  const stream = await new Promise<Readable>((resolve, reject) =>
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        options: {
          stdout: true,
          stderr: true,
          timestamps: true,
          follow: opts.follow,
          tail: String(opts.tail),
          ...(opts.since ? { since: opts.since } : {}),
          ...(opts.until ? { until: opts.until } : {}),
        },
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as Readable)),
    ),
  );
  return { tty: !!info.Config?.Tty, stream };
}
