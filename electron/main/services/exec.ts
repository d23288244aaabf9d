/**
 * Exec terminals: a shell in a container over the engine's exec API with a TTY (hijacked
 * connection). bash when the image has it, else sh. Flow control as VS Code's pty host does it:
 * output pauses when the client has more than FLOW_HIGH chars it has not acknowledged as
 * rendered, and resumes below FLOW_LOW, so a runaway command cannot flood the UI or memory.
 */
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { TerminalInput } from '../../shared/api-contract';
import type { StreamSink } from '../api/router';

export const SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];
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

export class ExecService {
  constructor(private readonly docker: Dockerode) {}

  async shell(id: string, size: { cols: number; rows: number }, sink: StreamSink<string, TerminalInput>): Promise<void> {
    const exec = await this.docker.getContainer(id).exec({
      Cmd: SHELL,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color'],
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    const resize = (cols: number, rows: number) => exec.resize({ w: cols, h: rows }).catch(() => undefined); // fails once the shell is gone: harmless
    await resize(size.cols, size.rows);
    const flow = new FlowControl();
    sink.onInput((i) => {
      if ('data' in i) stream.write(i.data);
      else if ('resize' in i) void resize(i.resize.cols, i.resize.rows);
      else if (flow.acked(i.ack)) stream.resume();
    });
    const stop = () => stream.destroy();
    sink.signal.addEventListener('abort', stop, { once: true });
    const decoder = new TextDecoder('utf-8');
    try {
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (buf: Buffer) => {
          const text = decoder.decode(buf, { stream: true });
          if (!text) return;
          if (flow.sent(text.length)) stream.pause();
          void sink.write(text);
        });
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', (e) => (sink.signal.aborted ? resolve() : reject(e)));
      });
    } finally {
      sink.signal.removeEventListener('abort', stop);
      stream.destroy();
    }
  }
}
