/**
 * The `berth` command line, read with node:util parseArgs: what to run, or the help or version
 * to print. Nothing here runs anything, so every refusal is testable; cli.ts acts on the result.
 * A word it cannot place (an unknown command or flag, a stray argument) is an INVALID_ARGUMENT
 * that names it and points at the usage (a UsageError): exit code 2, as for any CLI's usage error.
 */
import { parseArgs } from 'node:util';
import { BerthError } from '../shared/errors';
import { exactHashOf, VIEWS } from '../shared/route';

export const USAGE = (vmUsage: string) => `usage: berth <command> [options]
  start [--port N]        open Berth (Electron window, or the dashboard in browser mode)
  serve [--port N]        serve the dashboard in browser mode on 127.0.0.1 and print its URL
  open <link> [--port N]  open Berth at a place: berth://containers/web/stats, or its hash #/containers/web/stats
${vmUsage}
  help [command]          this text, or one command's (also: --help, -h)
  --version, -v           the version of Berth
Environment: BERTH_DOCKER_HOST / DOCKER_HOST / DOCKER_CONTEXT (the engine), DOCKER_CONFIG (the docker CLI's contexts), BERTH_HOME (data dir), BERTH_PORT (the port for start and serve)`;

export type CliCommand = { run: 'start' | 'serve'; port: number } | { run: 'open'; port: number; hash: string } | { run: 'vm'; args: string[] } | { run: 'help'; topic?: string } | { run: 'version' };

const COMMANDS = ['start', 'serve', 'open', 'vm', 'help'] as const;
const HELP = ['help', '--help', '-h'];

/** `berth help <topic>`: its usage lines (the ones that start with it), or the whole text. */
export function helpFor(usage: string, topic?: string): string {
  if (!topic) return usage;
  const lines = usage.split('\n').filter((l) => l.trimStart().startsWith(`${topic} `) || l.trim() === topic);
  return lines.length ? `usage: berth ${topic}\n${lines.join('\n')}` : usage;
}

/** The command line itself was wrong (exit code 2), as against an INVALID_ARGUMENT from what it asked for. */
export class UsageError extends BerthError {
  constructor(message: string, hint = 'See `berth --help`.') {
    super('INVALID_ARGUMENT', message, { hint });
  }
}

const usageError = (message: string) => new UsageError(message);

function portOf(value: string | undefined, env: NodeJS.ProcessEnv): number {
  const given = value ?? env.BERTH_PORT ?? '0';
  const port = /^\d{1,5}$/.test(given) ? Number(given) : NaN;
  if (!(port <= 65535)) throw new UsageError(`Invalid port: ${given}.`, 'Give a number from 0 to 65535 (0 picks a free one).');
  return port;
}

/** Reads argv (without node and the script). Throws an INVALID_ARGUMENT for anything it cannot place. */
export function readCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return { run: 'help' };
  if (cmd === '--version' || cmd === '-v') return { run: 'version' };
  if (HELP.includes(cmd)) return { run: 'help', ...(rest[0] ? { topic: rest[0] } : {}) };
  if (!(COMMANDS as readonly string[]).includes(cmd)) throw usageError(cmd.startsWith('-') ? `Unknown option ${cmd}.` : `Unknown command: ${cmd}.`);
  // `berth vm ...` has its own words (vm/cli.ts); only its help is answered here.
  if (cmd === 'vm') return rest.length === 1 && HELP.includes(rest[0]!) ? { run: 'help', topic: 'vm' } : { run: 'vm', args: rest };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    // parseArgs says e.g. "Unknown option '--prot'. To specify a positional argument ...": the first sentence is the point.
    const said = (e as Error).message.split('. ')[0]!.replace(/'/g, '');
    throw usageError(`berth ${cmd}: ${said}.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { run: 'help', topic: cmd };
  const port = portOf(values.port, env);
  if (cmd === 'open') {
    if (positionals.length > 1) throw usageError(`berth open takes one link (got ${positionals.length}).`);
    const hash = positionals[0] === undefined ? undefined : exactHashOf(positionals[0]);
    if (!hash) {
      throw new UsageError(
        positionals[0] === undefined ? 'berth open needs a link.' : `${positionals[0]} names no place in Berth.`,
        `Give berth://<place> or #/<place>, where a place is one of ${VIEWS.join(', ')}; containers/<name or id>[/<tab>]; or compose/<project>/logs.`,
      );
    }
    return { run: 'open', port, hash };
  }
  if (positionals.length) throw usageError(`berth ${cmd} takes no arguments (got ${positionals.join(' ')}).`);
  return { run: cmd as 'start' | 'serve', port };
}
