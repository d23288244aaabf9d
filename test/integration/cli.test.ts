/** `berth` as a shell sees it (dist/main/cli.cjs): help and version exit 0, a usage error exits 2 and says what was wrong. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/node-process';
import { tempDir } from '../support/temp';

const berth = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, BERTH_HOME: tempDir('cli') }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

describe('the berth CLI', () => {
  it('prints help and its version with exit code 0', () => {
    for (const args of [['--help'], ['help'], ['-h'], []]) {
      const r = berth(...args);
      expect({ status: r.status, err: r.err }).toEqual({ status: 0, err: '' });
      expect(r.out).toMatch(/^usage: berth <command> \[options\]\n {2}start \[--port N\]/);
    }
    expect(berth('serve', '--help')).toMatchObject({ status: 0, out: expect.stringMatching(/^usage: berth serve\n {2}serve \[--port N\] /) });
    expect(berth('vm', '--help')).toMatchObject({ status: 0, out: expect.stringMatching(/^usage: berth vm\n {2}vm start /) });
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(berth('--version')).toEqual({ status: 0, out: `berth ${version}\n`, err: '' });
  });

  it('refuses an unknown command, flag or argument with exit code 2, naming it, and starts nothing', () => {
    expect(berth('sevre')).toEqual({ status: 2, out: '', err: 'berth: Unknown command: sevre.\nSee `berth --help`.\n' });
    expect(berth('serve', '--prot', '80')).toEqual({ status: 2, out: '', err: 'berth: berth serve: Unknown option --prot.\nSee `berth --help`.\n' });
    expect(berth('start', 'now')).toMatchObject({ status: 2, out: '', err: expect.stringContaining('berth start takes no arguments (got now).') });
    expect(berth('serve', '--port', '99999')).toMatchObject({ status: 2, out: '', err: expect.stringContaining('Invalid port: 99999.') });
  });
});
