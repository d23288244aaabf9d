/**
 * Whether the VM image can be built here: Linux, root, the recipe, and the tools (found on the
 * environment's PATH, never by running them). Said in words with what to install, or where to
 * put an image instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../electron/shared/errors';
import { findOffPath, findOnPath } from '../electron/main/vm/which';

/** The programs the build runs, and the Debian package of each. */
export const BUILD_TOOLS: Array<[program: string, pkg: string]> = [
  ['debootstrap', 'debootstrap'],
  ['mksquashfs', 'squashfs-tools'],
  ['depmod', 'kmod'],
  ['modprobe', 'kmod'],
  ['apt-get', 'apt'],
  ['apt-cache', 'apt'],
  ['dpkg-deb', 'dpkg'],
  ['wget', 'wget'],
  ['chroot', 'coreutils'],
];

const ELSEWHERE = 'Or build the image on a Linux machine that can (`npm run vm:build -- --stage DIR`) and set BERTH_VM_ASSETS to that folder.';

/** The folder with spec.json and guest/: two levels up from dist/main/cli.cjs or dist/vm-assets/build.cjs, or this one (tests). */
export function recipeDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.BERTH_VM_RECIPE, join(__dirname, '../../vm-assets'), __dirname].find((d): d is string => !!d && existsSync(join(d, 'spec.json')) && existsSync(join(d, 'guest')));
}

/** Why the image cannot be built here, as the error to show; undefined when it can. */
export function buildBlocker(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, uid = process.getuid?.()): BerthError | undefined {
  if (platform !== 'linux') return new BerthError('UNAVAILABLE', `Berth builds its VM image on Linux only, and this is ${platform}.`, { hint: ELSEWHERE });
  if (uid !== 0)
    return new BerthError('UNAVAILABLE', 'Building the VM image needs root (debootstrap makes device files and runs chroot).', {
      hint: `Build it once as root, into your own cache where Berth looks (\`sudo env HOME="$HOME" npm run vm:build\`), then start again. ${ELSEWHERE}`,
    });
  if (!recipeDir(env))
    return new BerthError('UNAVAILABLE', 'This copy of Berth has no VM image recipe (vm-assets/spec.json) to build one from.', {
      hint: 'Set BERTH_VM_ASSETS to a folder with a built image (`npm run vm:build -- --stage DIR` in a checkout).',
    });
  const missing = BUILD_TOOLS.filter(([bin]) => !findOnPath(bin, env));
  if (!missing.length) return undefined;
  const names = missing.map(([bin]) => bin);
  const off = missing.map(([bin]) => findOffPath(bin)).filter((f): f is string => !!f);
  const pkgs = [...new Set(missing.filter(([bin]) => !findOffPath(bin)).map(([, pkg]) => pkg))];
  const fixes = [
    ...(pkgs.length ? [`install ${pkgs.length > 1 ? 'them' : 'it'} with \`apt-get install ${pkgs.join(' ')}\``] : []),
    ...(off.length
      ? [
          `add ${[...new Set(off.map((f) => f.slice(0, f.lastIndexOf('/'))))].join(' and ')} to PATH (${off.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ')} ${off.length > 1 ? 'are' : 'is'} there)`,
        ]
      : []),
  ];
  return new BerthError('UNAVAILABLE', `The tools that build the VM image are missing: ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not on PATH.`, {
    hint: `${fixes.join(', and ')[0]!.toUpperCase()}${fixes.join(', and ').slice(1)}, then start again. ${ELSEWHERE}`,
  });
}
