/** Running the build's tools: short ones at once, long ones (debootstrap, mksquashfs) line by line. */
import { execFileSync, spawn } from 'node:child_process';
import { LineSplitter, MAX_LINE } from '../electron/main/engine/log-stream';

export interface ToolError extends Error {
  /** The tool's last lines of output (stdout and stderr as they came). */
  output: string;
}

const failure = (what: string, output: string): ToolError => Object.assign(new Error(`${what}${output.trim() ? `:\n${output.trim()}` : ''}`), { output });

/** A short tool run; its stdout, or a ToolError with what it said. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  } catch (e) {
    const err = e as Error & { stderr?: string; code?: string };
    throw failure(`${cmd} ${err.code === 'ENOENT' ? 'is not installed' : 'failed'}`, err.stderr ?? err.message);
  }
}

/** A long tool run: each line of its output to `onLine`; rejects with the last 40 lines when it fails. */
export function runLines(cmd: string, args: string[], onLine: (line: string) => void, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const tail: string[] = [];
    const take = (lines: string[]) => {
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine(line);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      const lines = new LineSplitter(MAX_LINE);
      stream.on('data', (chunk: Buffer) => take(lines.push(chunk)));
      stream.once('end', () => take(lines.flush()));
    }
    child.once('error', (e: NodeJS.ErrnoException) => reject(failure(`${cmd} ${e.code === 'ENOENT' ? 'is not installed' : `could not start (${e.message})`}`, '')));
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(failure(`${cmd} failed (${signal ?? `exit code ${code}`})`, tail.join('\n')))));
  });
}
