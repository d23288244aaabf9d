/**
 * `berth` command line: `berth serve` (browser mode) and `berth start` (Electron when possible,
 * else browser mode). Bundled to dist/main/cli.cjs by build/build.mjs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from './core';
import { claimInstance } from './instance-lock';
import { findElectronBinary, planLaunch } from './launcher';
import { dataDir, paths } from './paths';
import { installProcessGuard } from './process-guard';
import { startServer } from './server/server';
import { loadSettings, settingsReport } from './settings';
import { activeEngine, engineReport, vmDockerHost } from './services/contexts';
import type { Preferences } from '../shared/api-contract';
import type { VmInfo } from '../shared/models';
import type { Core } from './core';
import { VM_USAGE, vmCommand } from './vm/cli';
import { version } from '../../package.json';
import { helpFor, readCommand, UsageError, USAGE } from './cli-args';

/** The VM is the engine: its boot in the terminal too, one line per step, and the outcome. */
function logVmSteps(core: Core, starting: boolean): () => void {
  console.log(
    starting
      ? 'berth: the Berth VM is the engine in use; starting it (follow it in the dashboard, or here).'
      : 'berth: the Berth VM is the engine in use; start it from the dashboard ("Start the VM with Berth" is off).',
  );
  let last = '';
  return core.hub.on((name, payload) => {
    if (name !== 'vm:status') return;
    const i = payload as VmInfo;
    const line = i.state === 'starting' ? `VM: ${i.step ?? 'starting'}` : i.state === 'error' ? `VM failed: ${i.reason ?? 'no reason given'}` : `VM: ${i.state}`;
    if (line !== last) console.log(`berth: ${(last = line)}`);
  });
}

/** Browser mode; `hash` is the place to open (`berth open`): the printed URL ends with it, or the running Berth's does. */
async function serve(port: number, hash = ''): Promise<void> {
  let dashboardUp!: (url: string) => void;
  const dashboard = new Promise<string>((r) => (dashboardUp = r));
  const instance = await claimInstance({ link: hash || undefined, onShow: async (link) => ({ url: (await dashboard) + (link ?? '') }) });
  if (!instance.first) {
    const { pid, url } = instance.reply;
    console.log(`berth: Berth is already running for ${dataDir()} (process ${pid}), so this one stops here.`);
    console.log(url ? `Its dashboard (browser mode):\n  ${url}` : `It is the desktop app; its window is in front now${hash ? `, at ${hash}` : ''}.`);
    return;
  }
  const loaded = await loadSettings(paths.settings());
  for (const line of [...settingsReport(loaded), ...engineReport(loaded.settings, process.env)]) console.warn(`berth: ${line}`);
  const active = activeEngine(loaded.settings, process.env);
  const dockerHost = active.dockerHost;
  const core = createCore({ ...active, startVm: loaded.settings.preferences.startVm });
  const stopLogging = dockerHost === vmDockerHost(process.env) ? logVmSteps(core, loaded.settings.preferences.startVm) : () => undefined;
  const server = await startServer({ router: core.router, hub: core.hub, staticDir: join(__dirname, '../renderer'), port }).catch(async (e: unknown) => {
    core.dispose();
    await instance.release(); // the next Berth need not take over a stale socket
    throw e;
  });
  dashboardUp(server.url);
  console.log(`Berth dashboard (browser mode), engine ${core.engine.getStatus().endpoint}:`);
  console.log(`  ${server.url}${hash}`);
  const stop = async () => {
    // As quitting the desktop app does: the VM stops cleanly first when the preference says so.
    const [prefs, vm] = await Promise.all([core.router.handle('preferences.get'), core.router.handle('vm.status')]);
    const quitStopsVm = prefs.ok && (prefs.value as Preferences).quitStopsVm;
    if (quitStopsVm && vm.ok && (vm.value as VmInfo).state !== 'stopped') {
      console.log('berth: stopping the Berth VM first ("Quit stops the VM" is on; Ctrl-C again quits at once, and the VM still stops)');
      await core.router.handle('vm.stop');
    }
    stopLogging();
    core.dispose();
    await server.close();
    await instance.release();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** The desktop app when it can run here, else browser mode (saying why); at the place `hash` names, if given. */
function start(port: number, hash?: string): Promise<void> | void {
  const shell = join(__dirname, 'electron.cjs');
  const plan = planLaunch({
    platform: process.platform,
    env: process.env,
    electronBinary: () => findElectronBinary(require.resolve),
    shellBuilt: existsSync(shell),
  });
  if (plan.mode === 'electron') {
    // The shell reads a berth:// link from its command line (and hands it to a running Berth).
    spawn(plan.binary, [shell, ...(hash ? [`berth:///${hash.slice(2)}`] : [])], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(`berth: starting in browser mode because ${plan.reason}.`);
  return serve(port, hash);
}

async function main(argv: string[]): Promise<void> {
  const command = readCommand(argv);
  // The processes that stay up (browser mode, the VM daemon) log what nothing caught and keep going.
  if (command.run === 'serve' || command.run === 'start' || (command.run === 'vm' && command.args[0] === 'daemon')) installProcessGuard();
  switch (command.run) {
    case 'help':
      return console.log(helpFor(USAGE(VM_USAGE), command.topic));
    case 'version':
      return console.log(`berth ${version}`);
    case 'serve':
      return serve(command.port);
    case 'start':
      return start(command.port);
    case 'open':
      return start(command.port, command.hash);
    case 'vm':
      process.exitCode = await vmCommand(command.args);
  }
}

main(process.argv.slice(2)).catch((e: Error & { hint?: string }) => {
  console.error(`berth: ${e.message}${e.hint ? `\n${e.hint}` : ''}`);
  process.exit(e instanceof UsageError ? 2 : 1); // 2: the command line itself was wrong
});
