// Builds what `berth` runs: the renderer (vite) into dist/renderer and the main-process
// entry points (esbuild, CommonJS for Node and Electron) into dist/main.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await vite({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
await esbuild({
  absWorkingDir: root,
  entryPoints: { cli: 'electron/main/cli.ts', electron: 'electron/main/shell/entry.ts', preload: 'electron/main/shell/preload.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
if (process.argv.includes('--bench')) {
  await esbuild({
    absWorkingDir: root,
    entryPoints: ['bench/index.ts'],
    outdir: 'dist/bench',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
}
if (process.argv.includes('--vm-assets')) {
  await esbuild({
    absWorkingDir: root,
    entryPoints: ['vm-assets/build.ts'],
    outdir: 'dist/vm-assets',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
}
console.log('built dist/renderer and dist/main');
