import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { installProcessGuard, oneLine } from './process-guard';

describe('process guard', () => {
  it('logs an uncaught exception and an unhandled rejection as one line each, with the stack', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    const dispose = installProcessGuard(proc, (l) => lines.push(l));
    const boom = new TypeError('boom');
    proc.emit('uncaughtException', boom);
    proc.emit('unhandledRejection', 'just a string');
    proc.emit('unhandledRejection', undefined);
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    proc.emit('unhandledRejection', circular);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).not.toContain('\n');
    expect(lines[0]).toMatch(/^berth: uncaught exception, Berth keeps running: TypeError: boom \| at .*process-guard\.test\.ts:\d+/);
    expect(lines.slice(1)).toEqual([
      "berth: unhandled promise rejection, Berth keeps running: 'just a string'",
      'berth: unhandled promise rejection, Berth keeps running: undefined',
      'berth: unhandled promise rejection, Berth keeps running: <ref *1> { a: 1, self: [Circular *1] }',
    ]);
    dispose();
    expect(proc.listenerCount('uncaughtException') + proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('says nothing when the terminal it would write to is gone, and survives a failing log', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    installProcessGuard(proc, (l) => lines.push(l));
    proc.emit('uncaughtException', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(lines).toEqual([]);
    const failing = new EventEmitter();
    installProcessGuard(failing, () => {
      throw new Error('log is broken');
    });
    expect(() => failing.emit('uncaughtException', new Error('x'))).not.toThrow();
  });

  it('keeps a real process running after both', () => {
    const { outputFiles } = buildSync({
      stdin: {
        contents: `import { installProcessGuard } from './process-guard';
          installProcessGuard();
          setTimeout(() => { throw new Error('thrown in a timer'); });
          void Promise.reject(new Error('rejected, never handled'));
          setTimeout(() => console.log('still alive'), 50);`,
        resolveDir: __dirname,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
    });
    const child = spawnSync(process.execPath, ['-e', outputFiles[0]!.text], { encoding: 'utf8', timeout: 10_000 });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('still alive\n');
    const lines = child.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^berth: uncaught exception, Berth keeps running: Error: thrown in a timer \| at /),
        expect.stringMatching(/^berth: unhandled promise rejection, Berth keeps running: Error: rejected, never handled \| at /),
      ]),
    );
  });

  it('puts a value that is not an Error on one line too', () => {
    expect(oneLine({ nested: { deep: { deeper: { deepest: 1 } } }, text: 'a\nb' })).toBe("{ nested: { deep: { deeper: [Object] } }, text: 'a\\nb' }");
  });
});
