/** Our own scripts as child processes of a test (e.g. dist/main/cli.cjs), killed after each test whatever happens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
});

export type NodeChild = ChildProcess & { out: string; exited: Promise<number | null> };

/** `node <args>` with `env` added; `out` collects its stdout and stderr. */
export function runNode(args: string[], env: NodeJS.ProcessEnv): NodeChild {
  const c = spawn(process.execPath, args, { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(c);
  const p = Object.assign(c, { out: '', exited: new Promise<number | null>((r) => c.once('exit', (code) => (children.delete(c), r(code)))) });
  c.stdout.on('data', (d: Buffer) => (p.out += d.toString()));
  c.stderr.on('data', (d: Buffer) => (p.out += d.toString()));
  return p;
}

/** The first match of `re` in what the child printed, once it has printed it. */
export async function printed(c: { out: string }, re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = c.out.match(re);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${re} in: ${c.out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The CLI bundle (npm run build makes it). */
export const CLI = join(ROOT, 'dist/main/cli.cjs');
/** A dashboard URL line as `berth serve` prints it. */
export const URL_LINE = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m;
