/**
 * The VM image a start boots: the one there is (BERTH_VM_ASSETS, bundled with the app, the cache),
 * else one built here by the builder (vm-assets/), run as a child process (`berth vm build --json`)
 * whose progress lines become boot steps with the time it takes said up front. Where it cannot be
 * built (not Linux, not root, tools missing) one error says what to install or where to put an image.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BerthError, ERROR_CODES, type ErrorCode } from '../../shared/errors';
import { lastBuildTimings } from '../../../vm-assets/builder';
import { estimateText, parseBuildLine, totalMs, UNSEEN_BUILD_MS } from '../../../vm-assets/progress';
import { buildBlocker } from '../../../vm-assets/tools';
import { LineSplitter, MAX_JSON_LINE } from '../engine/log-stream';
import { findAssets, NO_IMAGE, type VmAssets } from './assets';

/** A boot here, from QEMU's start to an answering engine: what a build's share of the whole start is weighed against. */
export const BOOT_MS = 35_000;

export interface ImageOptions {
  env: NodeJS.ProcessEnv;
  bundled?: string;
  /** What runs the builder; by default this Berth's CLI: `<node> cli.cjs vm build --json`. */
  builder?: { command: string; args: string[] };
  /** Why it cannot be built here (default: vm-assets/tools.ts's checks). */
  blocker?: (env: NodeJS.ProcessEnv) => BerthError | undefined;
  step: (words: string, progress?: number) => void;
}

export interface ImageChoice {
  assets: VmAssets;
  /** How much of the whole start (0..1) is behind once the image is there. */
  progress: number;
}

function cliBuilder(): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(__dirname, 'cli.cjs'), 'vm', 'build', '--json'] };
}

/** The image to boot, built first when there is none. */
export async function ensureImage(o: ImageOptions): Promise<ImageChoice> {
  try {
    return { assets: findAssets(o.env, o.bundled), progress: 0.02 };
  } catch (e) {
    if ((e as Error).message !== NO_IMAGE) throw e;
  }
  if (o.env.BERTH_VM_ASSETS) {
    throw new BerthError('UNAVAILABLE', `BERTH_VM_ASSETS is ${o.env.BERTH_VM_ASSETS}, and that folder holds no VM image (no manifest.json).`, {
      hint: 'Point it at a folder made by `npm run vm:build -- --stage DIR`, or unset it to let Berth find or build one.',
    });
  }
  const blocker = (o.blocker ?? buildBlocker)(o.env);
  if (blocker)
    throw new BerthError('UNAVAILABLE', `${NO_IMAGE} Berth cannot build one here: ${blocker.message.charAt(0).toLowerCase()}${blocker.message.slice(1)}`, blocker.hint ? { hint: blocker.hint } : {});
  const last = lastBuildTimings(o.env);
  const expected = last ? totalMs(last) : UNSEEN_BUILD_MS;
  const share = expected / (expected + BOOT_MS);
  const prefix = `Building the VM image (first start only, ${estimateText(expected)})`;
  o.step(`${prefix}: starting`, 0);
  await runBuilder(o.builder ?? cliBuilder(), o.env, (words, p) => o.step(`${prefix}: ${words}`, p === undefined ? undefined : p * share));
  return { assets: findAssets(o.env, o.bundled), progress: share };
}

/** Runs the builder and follows its JSON lines; rejects with its error in words. */
export function runBuilder(builder: { command: string; args: string[] }, env: NodeJS.ProcessEnv, step: (words: string, progress?: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(builder.command, builder.args, { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let error: BerthError | undefined;
    let done = false;
    let stderr = '';
    const lines = new LineSplitter(MAX_JSON_LINE);
    const take = (batch: string[]) => {
      for (const line of batch) {
        const e = parseBuildLine(line);
        if (!e) continue;
        if ('step' in e) step(e.step, e.progress);
        else if ('note' in e) step(e.note);
        else if ('done' in e) done = true;
        else {
          const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(e.error.code) ? (e.error.code as ErrorCode) : 'COMMAND_FAILED';
          error = new BerthError(code, e.error.message, e.error.hint ? { hint: e.error.hint } : {});
        }
      }
    };
    child.stdout.on('data', (chunk: Buffer) => take(lines.push(chunk)));
    child.stdout.once('end', () => take(lines.flush()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', (e) => reject(new BerthError('COMMAND_FAILED', `The VM image builder could not start (${e.message}).`)));
    child.once('close', (code, signal) => {
      if (code === 0 && done) return resolve();
      reject(
        error ??
          new BerthError('COMMAND_FAILED', `The VM image build stopped (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-8).join('\n')}` : '.'}`, {
            hint: 'Run `berth vm build` to see the whole build.',
          }),
      );
    });
  });
}
