/**
 * `berth` command line: `berth serve` (browser mode) and `berth start` (Electron when possible,
 * else browser mode). Bundled to dist/main/cli.cjs by build/build.mjs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from './core';
import { findElectronBinary, planLaunch } from './launcher';
import { paths } from './paths';
import { startServer } from './server/server';
import { loadSettings } from './services/settings';
import { activeDockerHost } from './services/contexts';
import { VM_USAGE, vmCommand } from './vm/cli';

const USAGE = `usage: berth <command>
  start            open Berth (Electron window, or the dashboard in browser mode)
  serve [--port N] serve the dashboard in browser mode on 127.0.0.1 and print its URL
${VM_USAGE}
Environment: BERTH_DOCKER_HOST / DOCKER_HOST (engine address), BERTH_HOME (data dir)`;

async function serve(port: number): Promise<void> {
  const { settings, warning } = await loadSettings(paths.settings());
  if (warning) console.warn(`berth: ${warning}`);
  const core = createCore({ dockerHost: activeDockerHost(settings, process.env) });
  const server = await startServer({ router: core.router, hub: core.hub, staticDir: join(__dirname, '../renderer'), port });
  console.log(`Berth dashboard (browser mode), engine ${core.engine.getStatus().endpoint}:`);
  console.log(`  ${server.url}`);
  const stop = async () => {
    core.dispose();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const portArg = rest.indexOf('--port');
  const port = portArg >= 0 ? Number(rest[portArg + 1]) : Number(process.env.BERTH_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${rest[portArg + 1]}`);
  switch (cmd) {
    case 'serve':
      return serve(port);
    case 'vm':
      process.exitCode = await vmCommand(rest);
      return;
    case 'start': {
      const shell = join(__dirname, 'electron.cjs');
      const plan = planLaunch({
        platform: process.platform,
        env: process.env,
        electronBinary: () => findElectronBinary(require.resolve),
        shellBuilt: existsSync(shell),
      });
      if (plan.mode === 'electron') {
        spawn(plan.binary, [shell], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
        return;
      }
      console.log(`berth: starting in browser mode because ${plan.reason}.`);
      return serve(port);
    }
    default:
      console.log(USAGE);
      process.exitCode = cmd ? 2 : 0;
  }
}

main(process.argv.slice(2)).catch((e: Error & { hint?: string }) => {
  console.error(`berth: ${e.message}${e.hint ? `\n${e.hint}` : ''}`);
  process.exit(1);
});
