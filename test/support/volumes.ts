/** A volume's files made and read back with the test image, for the volume transfer tests. */
import type { EngineCli } from './test-image';
import { TEST_IMAGE } from './test-image';

/** 100 MB in two files, a folder with a space in its name, a small file and a symlink. */
export const HUNDRED_MB_TREE =
  'mkdir -p /v/a/b "/v/odd name" && head -c 60000000 /dev/urandom > /v/big && head -c 40000000 /dev/urandom > /v/a/b/mid && echo hi > "/v/odd name/x.txt" && ln -s big /v/link';

/** Runs a shell line in a throwaway container with the volume at /v; its output. */
export const inVolume = (docker: EngineCli, volume: string, script: string): string => docker.cli(['run', '--rm', '-v', `${volume}:/v`, TEST_IMAGE, 'sh', '-c', script]);

/** Each file's sha256 (sorted by path), then what `more` prints: the volume's content, to compare. */
export const volumeSums = (docker: EngineCli, volume: string, more = ''): string => inVolume(docker, volume, `cd /v && find . -type f | sort | xargs sha256sum${more ? `; ${more}` : ''}`);
