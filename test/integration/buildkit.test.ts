/**
 * Builds through the engine's BuildKit (the shared dockerd: Debian's 20.10), driven through the
 * router as the UI drives them: multi-stage with a target, cache and secret mounts, build args,
 * --no-cache, both ignore files, a Dockerfile error, a cancel, a 50 MB context.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildEvent, BuildStep } from '../../electron/shared/models';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const made: string[] = [];
afterAll(() => {
  for (const tag of made) docker.try(['rmi', '-f', tag]);
});

async function build(args: Record<string, unknown>) {
  const chunks: BuildEvent[] = [];
  const s = t.core.router.openStream('images.build', args, async (c) => void chunks.push(c as BuildEvent));
  const error = await s.done;
  const steps = chunks.filter((c) => c.steps).at(-1)?.steps ?? [];
  return { error, chunks, steps, log: chunks.map((c) => c.text ?? '').join(''), imageId: chunks.at(-1)?.imageId };
}
function context(files: Record<string, string | Buffer>): string {
  const dir = tempDir('bk');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}
const tag = (name: string) => {
  const t = `berth-test/bk-${name}:${uniq('t')}`;
  made.push(t);
  return t;
};
/** Runs `fn` with TMPDIR a fresh folder (where Berth would stage files); what it left there. */
async function withTmp<T>(fn: () => Promise<T>): Promise<[T, string[]]> {
  const dir = tempDir('tmpdir');
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const r = await fn();
    return [r, readdirSync(dir)];
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}
const run = (image: string, ...cmd: string[]) => docker.cli(['run', '--rm', image, ...cmd]);

describe('BuildKit builds', () => {
  it('multi-stage with --target and build args; the steps are a list with states and times', async () => {
    const ctx = context({
      Dockerfile: [
        `FROM ${TEST_IMAGE} AS base`,
        'ARG GREETING=hi',
        'RUN echo "$GREETING" > /greeting',
        'FROM base AS final',
        'COPY app.txt /app.txt',
        'CMD ["cat", "/greeting"]',
        'FROM base AS unused',
        'RUN false',
        '',
      ].join('\n'),
      'app.txt': 'app\n',
    });
    const image = tag('stages');
    const b = await build({ context: ctx, tags: [image], buildArgs: { GREETING: 'hello' }, target: 'final' });
    expect(b.error).toBeUndefined();
    expect(b.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run(image)).toBe('hello');
    expect(run(image, 'cat', '/app.txt')).toBe('app');
    const names = b.steps.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^\[base 2\/2\] RUN echo "hello" > \/greeting$/), expect.stringMatching(/\[final 1\/1\] COPY app.txt \/app.txt/)]));
    expect(names.some((n) => n.includes('RUN false'))).toBe(false); // the unused stage is not built
    const runStep = b.steps.find((s) => s.name.includes('RUN echo'))!;
    expect(runStep).toMatchObject({ state: 'done', startedAt: expect.any(Number), completedAt: expect.any(Number) });
    expect(runStep.completedAt! >= runStep.startedAt!).toBe(true);
    expect(b.steps.every((s: BuildStep) => s.state === 'done' || s.state === 'cached')).toBe(true);

    // the same again: every step cached; with --no-cache none is
    const again = await build({ context: ctx, tags: [image], buildArgs: { GREETING: 'hello' }, target: 'final' });
    expect(again.steps.find((s) => s.name.includes('RUN echo'))?.state).toBe('cached');
    const fresh = await build({ context: ctx, tags: [image], buildArgs: { GREETING: 'hello' }, target: 'final', noCache: true });
    expect(fresh.error).toBeUndefined();
    expect(fresh.steps.find((s) => s.name.includes('RUN echo'))?.state).toBe('done');
  });

  it('a cache mount is there for the next build', async () => {
    const dockerfile = (n: number) => `FROM ${TEST_IMAGE}\nRUN --mount=type=cache,target=/cache,id=berth-${uniq('c')} echo run${n} >> /cache/runs && cp /cache/runs /runs\n`;
    const id = uniq('c');
    const df = (n: number) => dockerfile(n).replace(/id=berth-[^ ]+/, `id=berth-${id}`);
    const image = tag('cache');
    expect((await build({ context: context({ Dockerfile: df(1) }), tags: [image] })).error).toBeUndefined();
    expect(run(image, 'cat', '/runs')).toBe('run1');
    expect((await build({ context: context({ Dockerfile: df(2) }), tags: [image] })).error).toBeUndefined();
    expect(run(image, 'cat', '/runs')).toBe('run1\nrun2'); // the second build found what the first left
  });

  it('secret mounts, typed and from a file: used by RUN, absent from history, inspect and every layer', async () => {
    const typed = `typed-${uniq('s')}-value`;
    const fromFile = `file-${uniq('s')}-value`;
    const secretFile = join(tempDir('sec'), 'token');
    writeFileSync(secretFile, fromFile);
    const ctx = context({
      Dockerfile: [
        `FROM ${TEST_IMAGE}`,
        'RUN --mount=type=secret,id=typed --mount=type=secret,id=filed sh -c \'test "$(cat /run/secrets/typed)" != "" && wc -c < /run/secrets/typed > /typed-len && wc -c < /run/secrets/filed > /filed-len\'',
        '',
      ].join('\n'),
    });
    const image = tag('secret');
    const [b, staged] = await withTmp(() =>
      build({
        context: ctx,
        tags: [image],
        secrets: [
          { id: 'typed', value: typed },
          { id: 'filed', file: secretFile },
        ],
      }),
    );
    expect(b.error).toBeUndefined();
    expect(staged).toEqual([]); // nothing staged on disk
    expect(run(image, 'cat', '/typed-len').trim()).toBe(String(typed.length));
    expect(run(image, 'cat', '/filed-len').trim()).toBe(String(fromFile.length));
    for (const out of [docker.cli(['history', '--no-trunc', image]), docker.cli(['image', 'inspect', image]), b.log]) {
      expect(out).not.toContain(typed);
      expect(out).not.toContain(fromFile);
    }
    // every layer: the saved tar, each layer tar inside it unpacked as text
    const saved = execFileSync('docker', ['-H', docker.dockerHost, 'save', image], { maxBuffer: 256 << 20 });
    const dir = tempDir('saved');
    execFileSync('tar', ['-xf', '-', '-C', dir], { input: saved });
    const all = execFileSync('sh', ['-c', 'cat $(find . -type f); for l in $(find . -name layer.tar); do tar -xOf "$l"; done'], { cwd: dir, maxBuffer: 256 << 20 });
    expect(all.length).toBeGreaterThan(1000);
    expect(all.includes(Buffer.from(typed))).toBe(false);
    expect(all.includes(Buffer.from(fromFile))).toBe(false);

    // a secret the Dockerfile requires but the dialog did not give
    const missing = await build({ context: context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN --mount=type=secret,id=nope,required=true cat /run/secrets/nope\n` }), tags: [tag('nosecret')] });
    expect(missing.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/secret nope|nope/) });
    const unreadable = await build({ context: ctx, secrets: [{ id: 'filed', file: join(tmpdir(), 'no-such-secret') }] });
    expect(unreadable.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no-such-secret') });
    // A FIFO (which would block the read forever) and a file past BuildKit's 500 KiB: refused in words, at once.
    const fifo = join(tempDir('fifo'), 'secret.fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await build({ context: ctx, secrets: [{ id: 'filed', file: fifo }] })).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `The file ${fifo} for secret "filed" is not a regular file.`,
    });
    const big = join(tempDir('big'), 'secret');
    writeFileSync(big, Buffer.alloc(600 * 1024, 1));
    expect((await build({ context: ctx, secrets: [{ id: 'filed', file: big }] })).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('a build secret is at most 512000'),
    });
  });

  it('.dockerignore, and <Dockerfile>.dockerignore before it', async () => {
    const files = {
      'build/app.Dockerfile': `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`,
      'build/app.Dockerfile.dockerignore': 'b.txt\n',
      Dockerfile: `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`,
      '.dockerignore': 'a.txt\n',
      'a.txt': 'a',
      'b.txt': 'b',
    };
    const plain = tag('ign');
    expect((await build({ context: context(files), tags: [plain] })).error).toBeUndefined();
    const lsPlain = run(plain, 'ls', '/ctx');
    expect(lsPlain).toContain('b.txt');
    expect(lsPlain).not.toContain('a.txt');
    const specific = tag('ign2');
    expect((await build({ context: context(files), dockerfile: 'build/app.Dockerfile', tags: [specific] })).error).toBeUndefined();
    const lsSpecific = run(specific, 'ls', '/ctx');
    expect(lsSpecific).toContain('a.txt');
    expect(lsSpecific).not.toContain('b.txt');
  });

  it('a Dockerfile error names the line; a failing RUN says so; nothing is tagged', async () => {
    const image = tag('bad');
    const b = await build({ context: context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN true\nFOO bar\n` }), tags: [image] });
    expect(b.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/line 3/) });
    const f = await build({ context: context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN exit 3\n` }), tags: [image] });
    expect(f.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/exit code: 3/) });
    expect(f.steps.find((s) => s.name.includes('RUN exit 3'))?.state).toBe('error');
    expect(docker.try(['image', 'inspect', image]).status).not.toBe(0);
  });

  it('a cancel mid-build leaves no process, container, open socket or temp file; the tag is not made', async () => {
    const marker = uniq('sleep');
    const ctx = context({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo ${marker} && sleep 300\n` });
    const image = tag('cancel');
    const tmp = tempDir('tmpdir');
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // what Berth would stage goes here
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const chunks: BuildEvent[] = [];
    const s = t.core.router.openStream('images.build', { context: ctx, tags: [image] }, async (c) => void chunks.push(c as BuildEvent));
    await waitFor(() => chunks.some((c) => c.text?.includes(marker)) || undefined, 30_000, 'the RUN step');
    expect(execFileSync('ps', ['-eo', 'args']).toString()).toContain(`sleep 300`);
    s.cancel();
    expect(await s.done).toBeUndefined();
    await waitFor(() => !execFileSync('ps', ['-eo', 'args']).toString().includes(`echo ${marker}`) || undefined, 30_000, 'the RUN process to end');
    expect(docker.cli(['ps', '-a', '--format', '{{.Command}}'])).not.toContain(marker);
    expect(docker.try(['image', 'inspect', image]).status).not.toBe(0);
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    expect(readdirSync(tmp)).toEqual([]);
    // the build request and the session's connection are closed
    await waitFor(() => readdirSync('/proc/self/fd').length <= fdsBefore || undefined, 10_000, 'the sockets to close');
  });

  it('a 50 MB context builds', async () => {
    const ctx = context({ Dockerfile: `FROM ${TEST_IMAGE}\nCOPY big.bin /big.bin\n`, 'big.bin': Buffer.alloc(50 << 20, 7) });
    const image = tag('big');
    const b = await build({ context: ctx, tags: [image] });
    expect(b.error).toBeUndefined();
    expect(run(image, 'wc', '-c', '/big.bin').trim()).toMatch(/^52428800\b/);
  });
});
