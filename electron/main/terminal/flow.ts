/**
 * What every terminal shares, whatever runs behind it (an engine exec, a host pty): input,
 * resize, and flow control as VS Code's pty host does it. Output pauses when the client has
 * more than FLOW_HIGH chars it has not acknowledged as rendered and resumes below FLOW_LOW, so
 * a runaway command cannot flood the UI or memory.
 */
import type { TerminalInput } from '../../shared/api-contract';
import type { StreamSink } from '../stream-sink';

export const FLOW_HIGH = 100_000;
export const FLOW_LOW = 5_000;

/** Counts unacknowledged output and says when to pause and resume. */
export class FlowControl {
  private unacked = 0;
  paused = false;

  constructor(
    private readonly high = FLOW_HIGH,
    private readonly low = FLOW_LOW,
  ) {}

  /** After sending n chars: true when the source should pause now. */
  sent(n: number): boolean {
    this.unacked += n;
    if (!this.paused && this.unacked > this.high) return (this.paused = true);
    return false;
  }

  /** After the client rendered n chars: true when the source should resume now. */
  acked(n: number): boolean {
    this.unacked = Math.max(0, this.unacked - n);
    if (this.paused && this.unacked < this.low) {
      this.paused = false;
      return true;
    }
    return false;
  }
}

/** A running terminal process as pipeTerminal drives it. */
export interface TerminalIO {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  /** Starts delivering output; `end` is called once, with an error if it failed. */
  start(onData: (text: string) => void, end: (error?: Error) => void): void;
  /** Ends the process, however far it got (called once, also after it ended by itself). */
  kill(): void | Promise<void>;
}

/**
 * Connects a terminal process to a stream until the process ends or the stream is cancelled,
 * then ends the process. A cancel that came while the process was starting is not lost: the
 * signal is looked at before anything listens to it.
 */
export async function pipeTerminal(io: TerminalIO, sink: StreamSink<string, TerminalInput>): Promise<void> {
  const flow = new FlowControl();
  sink.onInput((i) => {
    if ('data' in i) io.write(i.data);
    else if ('resize' in i) io.resize(i.resize.cols, i.resize.rows);
    else if (flow.acked(i.ack)) io.resume();
  });
  let cancelled: (() => void) | undefined;
  try {
    if (sink.signal.aborted) return;
    await new Promise<void>((resolve, reject) => {
      cancelled = resolve;
      sink.signal.addEventListener('abort', cancelled, { once: true });
      io.start(
        (text) => {
          if (flow.sent(text.length)) io.pause();
          void sink.write(text);
        },
        (error) => (error && !sink.signal.aborted ? reject(error) : resolve()),
      );
    });
  } finally {
    if (cancelled) sink.signal.removeEventListener('abort', cancelled);
    await io.kill();
  }
}
