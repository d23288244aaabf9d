import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sshCommand, statusCode } from './cli';
import type { VmState } from '../../shared/models';

describe('berth vm, its words', () => {
  it('exits from status by the state: 0 up (paused counts), 3 not running, 1 failed', () => {
    expect(['running', 'paused', 'stopped', 'starting', 'stopping', 'error'].map((s) => statusCode(s as VmState))).toEqual([0, 0, 3, 3, 3, 1]);
  });

  it('keeps each argument of `ssh -- cmd args` whole; one argument alone is a shell line', () => {
    const run = (words: string[]) => spawnSync('sh', ['-c', sshCommand(words)!], { encoding: 'utf8' }).stdout;
    expect(run(['--', 'sh', '-c', 'printf "%s|" "a b" c'])).toBe('a b|c|');
    expect(run(['printf', '%s|', "it's", '$HOME', 'a  b'])).toBe("it's|$HOME|a  b|");
    expect(run(['echo one; echo two'])).toBe('one\ntwo\n');
    expect(sshCommand(['--', 'uname -a'])).toBe('uname -a');
    for (const words of [[], ['--']]) expect(sshCommand(words)).toBeUndefined(); // a shell
  });
});
