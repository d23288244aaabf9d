// Builds what `berth` runs: the renderer (vite) into dist/renderer and the main-process
// entry points (esbuild, CommonJS for Node and Electron) into dist/main.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles entry points for Node (CommonJS, packages left to node_modules) into outdir. */
const forNode = (entryPoints, outdir, extra = {}) =>
  esbuild({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
    ...extra,
  });

await vite({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
await forNode({ cli: 'electron/main/cli.ts', electron: 'electron/main/shell/entry.ts', preload: 'electron/main/shell/preload.ts' }, 'dist/main', { sourcemap: true });
if (process.argv.includes('--bench')) await forNode(['bench/index.ts'], 'dist/bench');
if (process.argv.includes('--vm-assets')) await forNode(['vm-assets/build.ts'], 'dist/vm-assets');
console.log('built dist/renderer and dist/main');
