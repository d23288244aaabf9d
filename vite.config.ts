import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  // One bundle (React, xterm.js, zod) served from 127.0.0.1 or disk: no need to split it for size.
  build: { outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
});
