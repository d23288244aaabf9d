/** Exec terminals: a shell in a container over the engine's exec API with a TTY (hijacked connection). */
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { TerminalInput } from '../../shared/api-contract';
import type { StreamSink } from '../api/router';
import { pipeTerminal } from './flow';

/** bash when the image has it, else sh. */
export const SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

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
    const resize = (cols: number, rows: number) => void exec.resize({ w: cols, h: rows }).catch(() => undefined); // fails once the shell is gone: harmless
    resize(size.cols, size.rows);
    const decoder = new TextDecoder('utf-8');
    await pipeTerminal(
      {
        write: (d) => stream.write(d),
        resize,
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        start: (onData, end) => {
          stream.on('data', (buf: Buffer) => {
            const text = decoder.decode(buf, { stream: true });
            if (text) onData(text);
          });
          stream.once('end', () => end());
          stream.once('close', () => end());
          stream.once('error', (e) => end(e));
        },
        kill: () => stream.destroy(),
      },
      sink,
    );
  }
}
