import { describe, expect, it } from 'vitest';
import { helpFor, readCommand, USAGE } from './cli-args';

const read = (...argv: string[]) => readCommand(argv, {});
const refused = (...argv: string[]) => {
  try {
    readCommand(argv, {});
  } catch (e) {
    return e as Error & { code?: string; hint?: string };
  }
  throw new Error(`berth ${argv.join(' ')} was not refused`);
};

describe('the berth command line', () => {
  it('answers help and version in every spelling', () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) expect(read(...argv)).toEqual({ run: 'help' });
    expect(read('help', 'serve')).toEqual({ run: 'help', topic: 'serve' });
    expect(read('serve', '--help')).toEqual({ run: 'help', topic: 'serve' });
    expect(read('open', '-h')).toEqual({ run: 'help', topic: 'open' });
    expect(read('vm', '--help')).toEqual({ run: 'help', topic: 'vm' });
    expect(read('--version')).toEqual({ run: 'version' });
    expect(read('-v')).toEqual({ run: 'version' });
  });

  it('reads the commands, their port (or BERTH_PORT) and open’s link', () => {
    expect(read('serve')).toEqual({ run: 'serve', port: 0 });
    expect(read('serve', '--port', '8080')).toEqual({ run: 'serve', port: 8080 });
    expect(read('start', '--port=9000')).toEqual({ run: 'start', port: 9000 });
    expect(readCommand(['serve'], { BERTH_PORT: '7000' })).toEqual({ run: 'serve', port: 7000 });
    expect(read('open', 'berth://containers/web/stats')).toEqual({ run: 'open', port: 0, hash: '#/containers/web/stats' });
    expect(read('vm', 'ssh', '--', 'sh', '-c', 'echo "a b"')).toEqual({ run: 'vm', args: ['ssh', '--', 'sh', '-c', 'echo "a b"'] });
  });

  it('refuses what it cannot place, naming it: an INVALID_ARGUMENT (exit code 2)', () => {
    expect(refused('sevre')).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'Unknown command: sevre.', hint: 'See `berth --help`.' });
    expect(refused('--verbose')).toMatchObject({ message: 'Unknown option --verbose.' });
    expect(refused('serve', '--prot', '80')).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'berth serve: Unknown option --prot.' });
    expect(refused('serve', 'now')).toMatchObject({ message: 'berth serve takes no arguments (got now).' });
    expect(refused('serve', '--port')).toMatchObject({ message: expect.stringMatching(/^berth serve: Option --port <value> argument missing/) });
    for (const port of ['-1', '65536', '80x', '', '1e3'])
      expect(refused('serve', `--port=${port}`)).toMatchObject({ message: `Invalid port: ${port}.`, hint: 'Give a number from 0 to 65535 (0 picks a free one).' });
    expect(refused('open')).toMatchObject({ message: 'berth open needs a link.' });
    expect(refused('open', 'berth://contaners')).toMatchObject({ message: 'berth://contaners names no place in Berth.' });
    expect(refused('open', '#/images', '#/volumes')).toMatchObject({ message: 'berth open takes one link (got 2).' });
  });

  it('gives one command’s usage for help <command>, else the whole text', () => {
    const usage = USAGE('  vm start         boot the Berth VM\n  vm stop          stop it');
    expect(helpFor(usage, 'serve')).toBe('usage: berth serve\n  serve [--port N]        serve the dashboard in browser mode on 127.0.0.1 and print its URL');
    expect(helpFor(usage, 'vm').split('\n')).toEqual(['usage: berth vm', '  vm start         boot the Berth VM', '  vm stop          stop it']);
    expect(helpFor(usage, 'nothing')).toBe(usage);
    expect(helpFor(usage)).toBe(usage);
  });
});
