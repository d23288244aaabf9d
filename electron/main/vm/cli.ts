/**
 * `berth vm start|stop|status|ssh|logs|verify|build|daemon`: the VM from a terminal, through the
 * same daemon the app uses (`build` runs the image builder here, as a start does when there is no image).
 */
import { createReadStream, existsSync, readFileSync, statSync, watch } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Client } from 'ssh2';
import { buildCommand } from '../../../vm-assets/build-command';
import { forwardsInWords } from '../../shared/forwarded-ports';
import { BerthError } from '../../shared/errors';
import { fingerprint } from '../engine/ssh-keys';
import { paths } from '../paths';
import { locateAssets, verifyAssets } from './assets';
import { vmBackend } from './backends';
import { VmClient } from './client';
import { runVmDaemon } from './daemon';
import type { VmInfo } from '../../shared/models';
import { vmKeys } from './keys';
import { UsageError } from '../cli-args';
import { shellJoin } from '../../shared/run-spec';

export const VM_USAGE = `  vm start [--json]   boot the Berth VM (its engine: docker --context berth)
  vm stop [--json]    stop it cleanly
  vm status [--json]  its state; exit code 0 running (or paused), 3 not running, 1 failed
  vm ssh [-- cmd args...]  a shell in the VM, or one command (its arguments kept as given; one argument alone is a shell line)
  vm logs [-f]        the VM's console
  vm verify [--json]  check the VM image's files against its manifest (sha256)
  vm build [--force] [--stage DIR]  build the VM image here (Linux, as root; a start does it when there is none)`;

export function describe(i: VmInfo): string {
  const lines = [`${i.state}${i.step ? `: ${i.step}` : ''}${i.backend ? ` (${i.backend})` : ''}`];
  if (i.reason) lines.push(i.reason);
  if (i.dockerHost) lines.push(`engine: ${i.dockerHost}  (docker --context berth ...)`);
  if (i.forwards?.length) lines.push(`ports: ${forwardsInWords(i.forwards)}`);
  else if (i.ports.length) lines.push(`ports on 127.0.0.1: ${i.ports.join(', ')}`);
  for (const w of i.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function follow(file: string): void {
  let at = existsSync(file) ? statSync(file).size : 0;
  watch(file, () => {
    const size = statSync(file).size;
    if (size < at) at = 0; // a new boot truncated it
    if (size > at) createReadStream(file, { start: at, end: size - 1 }).pipe(process.stdout, { end: false });
    at = size;
  });
}

async function ssh(env: NodeJS.ProcessEnv, info: VmInfo, command: string | undefined): Promise<number> {
  if (info.state !== 'running')
    throw new BerthError('CONFLICT', `the VM is ${info.state}; start it with \`berth vm start\``, { hint: '`berth vm status` says why it is not running, and `berth vm logs` shows its console.' });
  if (!info.ssh) throw new BerthError('UNAVAILABLE', `the VM is running but has no SSH (the ${info.backend} backend)`, { hint: 'Only a VM with a guest of its own (the QEMU backend) has SSH.' });
  const keys = vmKeys(env);
  const c = new Client();
  return new Promise((resolve, reject) => {
    c.once('error', reject);
    c.once('ready', () => {
      const done = (code: number | null) => {
        c.end();
        resolve(code ?? 1);
      };
      if (command !== undefined) {
        c.exec(command, (err, stream) => {
          if (err) return reject(err);
          process.stdin.pipe(stream);
          stream.pipe(process.stdout);
          stream.stderr.pipe(process.stderr);
          stream.once('exit', (code: number | null) => done(code));
        });
        return;
      }
      const { columns = 80, rows = 24 } = process.stdout;
      c.shell({ term: process.env.TERM || 'xterm-256color', cols: columns, rows }, (err, stream) => {
        if (err) return reject(err);
        if (process.stdin.isTTY) process.stdin.setRawMode(true);
        process.stdin.pipe(stream);
        stream.pipe(process.stdout);
        process.stdout.on('resize', () => stream.setWindow(process.stdout.rows, process.stdout.columns, 0, 0));
        stream.once('close', () => {
          if (process.stdin.isTTY) process.stdin.setRawMode(false);
          process.stdin.unpipe(stream);
          process.stdin.pause();
          done(0);
        });
      });
    });
    c.connect({ host: info.ssh!.host, port: info.ssh!.port, username: 'root', privateKey: keys.privateKey, hostVerifier: (key: Buffer) => fingerprint(key) === keys.hostKeyFingerprint });
  });
}

const json = { json: { type: 'boolean' } } as const;
/** Each subcommand's options: anything else is refused by name (ssh takes the rest as its command). */
const OPTIONS: Record<string, NonNullable<ParseArgsConfig['options']>> = {
  start: json,
  stop: json,
  status: json,
  verify: json,
  logs: { follow: { type: 'boolean', short: 'f' } },
  build: { force: { type: 'boolean' }, json: { type: 'boolean' }, stage: { type: 'string' }, marker: { type: 'string' } },
  daemon: {},
};

/** `berth vm <sub> [options]` read strictly: its options, or an INVALID_ARGUMENT naming what does not belong. */
function readOptions(sub: string, rest: string[]): Record<string, string | boolean | undefined> {
  const refuse = (said: string) => new UsageError(`berth vm ${sub}: ${said}.`, 'See `berth vm --help`.');
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS[sub]!, strict: true, allowPositionals: true });
  } catch (e) {
    throw refuse((e as Error).message.split('. ')[0]!.replace(/'/g, '')); // parseArgs' first sentence is the point
  }
  if (parsed.positionals.length) throw refuse(`takes no arguments (got ${parsed.positionals.join(' ')})`);
  return parsed.values as Record<string, string | boolean | undefined>;
}

/** What `berth vm status` exits with: a script can ask `berth vm status && docker ...`. */
export function statusCode(state: VmInfo['state']): number {
  return state === 'running' || state === 'paused' ? 0 : state === 'error' ? 1 : 3;
}

/** `berth vm ssh` words: several are one command's arguments, each kept whole; one alone is a shell line, as ssh takes it; none, a shell. */
export function sshCommand(words: string[]): string | undefined {
  const argv = words[0] === '--' ? words.slice(1) : words;
  return argv.length === 0 ? undefined : argv.length === 1 ? argv[0]! : shellJoin(argv);
}

/** Runs `berth vm <args>`; resolves to the exit code. */
export async function vmCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || (sub !== 'ssh' && (rest.includes('--help') || rest.includes('-h')))) {
    console.log(`usage: berth vm <command>\n${VM_USAGE}`);
    return 0;
  }
  if (sub !== 'ssh' && !Object.hasOwn(OPTIONS, sub)) throw new UsageError(`Unknown command: berth vm ${sub}.`, 'See `berth vm --help`.');
  const opts = sub === 'ssh' ? {} : readOptions(sub, rest);
  if (!opts.json) return runVm(sub, rest, opts, env);
  // --json: a failure is one object too, `{"error":{...}}` on stdout, so a script parses every outcome.
  try {
    return await runVm(sub, rest, opts, env);
  } catch (e) {
    const err = e as Error & { code?: unknown; hint?: unknown };
    const code = typeof err.code === 'string' ? err.code : 'INTERNAL';
    console.log(JSON.stringify({ error: { code, message: err.message, ...(typeof err.hint === 'string' ? { hint: err.hint } : {}) } }));
    throw e;
  }
}

async function runVm(sub: string, rest: string[], opts: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Promise<number> {
  const client = new VmClient({ env });
  const show = (info: VmInfo) => console.log(opts.json ? JSON.stringify(info) : describe(info));
  switch (sub) {
    case 'daemon': {
      const { done } = await runVmDaemon(vmBackend(env), env);
      await done;
      return process.exit(0); // the VM is stopped; idle keep-alive sockets must not keep the daemon around
    }
    case 'start': {
      let last = '';
      const info = await client.start((i) => {
        const line = `${i.state}${i.step ? `: ${i.step}` : ''}`;
        if (line !== last && !opts.json) console.log((last = line)); // --json: the outcome only, one object
      });
      show(info);
      return 0;
    }
    case 'stop':
      show(await client.stop());
      return 0;
    case 'status': {
      const info = await client.status();
      show(info);
      return statusCode(info.state);
    }
    case 'ssh': {
      // The session goes over QEMU's port 22, not the engine's socket: its typing is no activity to
      // auto-pause, so the VM is held awake until it ends.
      const release = await client.hold();
      try {
        const info = await client.status();
        return await ssh(env, info.state === 'paused' ? await client.start() : info, sshCommand(rest)); // a start resumes a paused VM
      } finally {
        release?.();
      }
    }
    case 'logs': {
      const file = paths.vmConsoleLog(env);
      if (!existsSync(file)) throw new BerthError('NOT_FOUND', 'the VM has not been started yet: no console log', { hint: 'Start it with `berth vm start`.' });
      process.stdout.write(readFileSync(file));
      if (opts.follow) {
        follow(file);
        return new Promise(() => undefined); // until Ctrl-C
      }
      return 0;
    }
    case 'build': {
      // What parseArgs read (`--stage=DIR` too), in the one spelling buildCommand reads.
      const { force, json, stage, marker } = opts;
      return buildCommand(
        [...(force ? ['--force'] : []), ...(json ? ['--json'] : []), ...(typeof stage === 'string' ? ['--stage', stage] : []), ...(typeof marker === 'string' ? ['--marker', marker] : [])],
        env,
      );
    }
    case 'verify': {
      const assets = locateAssets(env, env.BERTH_VM_BUNDLED);
      const files = await verifyAssets(assets);
      const bad = files.filter((f) => !f.ok);
      if (opts.json) console.log(JSON.stringify({ dir: assets.dir, ok: !bad.length, files }));
      else {
        for (const f of files) console.log(`${f.ok ? 'ok' : 'DAMAGED'}  ${f.name}${f.problem ? `: ${f.problem}` : ''}`);
        console.log(bad.length ? `The VM image in ${assets.dir} is damaged. Rebuild it with \`npm run vm:build -- --force\`.` : `The VM image in ${assets.dir} matches its manifest.`);
      }
      return bad.length ? 1 : 0;
    }
    default:
      return 2; // not reached: every own name of OPTIONS has its case
  }
}
