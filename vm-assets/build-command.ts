/**
 * `npm run vm:build [-- --force] [--stage DIR] [--marker TEXT] [--json]` and `berth vm build` (the
 * same options): builds the VM image (builder.ts). `--json` prints one event a line (progress.ts's
 * BuildEvent), which is how the app follows a build it started; else a line per phase.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BerthError } from '../electron/shared/errors';
import { buildImage } from './builder';
import type { BuildEvent } from './progress';

export const BUILD_USAGE = 'vm build [--force] [--stage DIR] [--marker TEXT] [--json]';

/** Runs the build the arguments ask for; resolves to the exit code. */
export async function buildCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const json = args.includes('--json');
  const say = (e: BuildEvent) => (json ? console.log(JSON.stringify(e)) : 'note' in e && console.log(`vm:build: ${e.note}`));
  if (json) process.stdout.on('error', () => undefined); // whoever followed the build went away: it still finishes
  let phase = '';
  try {
    const marker = value('--marker');
    const stage = value('--stage');
    const r = await buildImage({
      env,
      force: args.includes('--force'),
      ...(marker !== undefined ? { marker } : {}),
      ...(stage ? { stage } : {}),
      report: (e) => {
        if (json || 'note' in e) return say(e);
        if (e.step !== phase) console.log(`vm:build: ${(phase = e.step)}`);
      },
    });
    if (json) say({ done: r });
    else if (!r.built) console.log(`vm:build: up to date: ${r.dir}`);
    else console.log(`vm:build: built ${r.dir} in ${Math.round(r.ms / 1000)} s (root.img ${(statSync(join(r.dir, 'root.img')).size / 2 ** 20).toFixed(0)} MiB)`);
    if (stage) console.log(`vm:build: staged in ${stage}`);
    return 0;
  } catch (e) {
    const err = e as BerthError;
    if (json) say({ error: { code: err.code ?? 'COMMAND_FAILED', message: err.message, ...(err.hint ? { hint: err.hint } : {}) } });
    else console.error(`vm:build: ${err.message}${err.hint ? `\n${err.hint}` : ''}`);
    return 1;
  }
}
