/**
 * What the VM tests share: a data folder of their own (short: sockets live in it), the docker
 * CLI through the `berth` context, `berth vm` from dist/, and the counts of what a failed start
 * may leave behind (QEMU processes, temp and work files).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VmClient } from '../../electron/main/vm/client';
import { createCore, type Core } from '../../electron/main/core';
import { paths } from '../../electron/main/paths';
import { vmDockerHost } from '../../electron/main/services/contexts';

export const cliPath = join(__dirname, '../../dist/main/cli.cjs');

export interface VmHome {
  home: string;
  env: NodeJS.ProcessEnv;
  client: VmClient;
  /** Stops the VM (and its daemon) and removes the folder. */
  dispose(): Promise<void>;
}

/** A fresh data folder with its own VM daemon; `extra` is added to (or, as undefined, removed from) the environment. */
export function vmHome(prefix: string, extra: NodeJS.ProcessEnv = {}): VmHome {
  const home = mkdtempSync(join('/tmp', `berth-${prefix}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker-config'), BERTH_VM_SHARE: home, BERTH_DOCKER_HOST: '', DOCKER_HOST: '', ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  const client = new VmClient({ env, cliPath });
  return {
    home,
    env,
    client,
    dispose: async () => {
      await client.stop().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `berth vm <args>` from dist/, as a user runs it. */
export function berth(env: NodeJS.ProcessEnv, args: string[], timeout = 60_000) {
  const r = spawnSync(process.execPath, [cliPath, 'vm', ...args], { env, encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The docker CLI against a VM, through the `berth` context Berth wrote. */
export function docker(env: NodeJS.ProcessEnv, args: string[], input?: Buffer): string {
  const r = spawnSync('docker', ['--context', 'berth', ...args], { env: { ...env, DOCKER_HOST: undefined }, input, encoding: 'buffer', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

/** The QEMU processes whose command line names `path` (a data folder, an image): what a failed start must not leave. */
export function qemuProcesses(path: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('qemu-system') && cmd.includes(path)) out.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Every file under `dir` (relative paths, sorted), folders left out. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const st = statSync(join(d, n), { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(join(d, n), `${rel}${n}/`);
      else out.push(`${rel}${n}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Files a failed step must never leave: temp files of an atomic write, a build's work folder, a lock. */
export const halfMade = (files: string[]) => files.filter((f) => /\.tmp$|\.work\/|build\.lock/.test(f));

/** A Berth core whose engine is this home's VM (stopped until `vm.start`), with quick engine retries. */
export function vmCore(vm: VmHome): Core {
  return createCore({
    dockerHost: vmDockerHost(vm.env),
    env: vm.env,
    settingsFile: paths.settings(vm.env),
    registriesFile: join(vm.home, 'registries.json'),
    vmCliPath: cliPath,
    engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
  });
}
