/**
 * `npm run vm:build`: builds the Berth VM image into the cache (never the repo); see builder.ts for
 * what it makes and build-command.ts for the options. Needs root and Debian's debootstrap,
 * squashfs-tools and kmod. Bundled to dist/vm-assets/build.cjs by build/build.mjs.
 */
import { buildCommand } from './build-command';

void buildCommand(process.argv.slice(2)).then((code) => process.exit(code));
