import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { readDockerConfig, withMember } from './docker-config-file';

describe('withMember: an object member set in the layout of the file, the rest as it was', () => {
  const cli = '{\n\t"auths": {\n\t\t"a:5000": {\n\t\t\t"auth": "dTpw"\n\t\t}\n\t},\n\t"aliases": {\n\t\t"builder": "buildx"\n\t}\n}';
  it.each([
    ['replaces it where it is, a tab a level', cli, { 'b:5000': { auth: 'eA==' } }, cli.replace('"a:5000": {\n\t\t\t"auth": "dTpw"', '"b:5000": {\n\t\t\t"auth": "eA=="')],
    ['adds it after the last member', '{\n\t"plugins": {}\n}\n', { x: {} }, '{\n\t"plugins": {},\n\t"auths": {\n\t\t"x": {}\n\t}\n}\n'],
    ['on one line in a compact file', '{"plugins":{}}', { x: {} }, '{"plugins":{},"auths":{"x":{}}}'],
    ['in a new file', undefined, {}, '{\n\t"auths": {}\n}\n'],
    ['removed', cli, undefined, '{\n\t"aliases": {\n\t\t"builder": "buildx"\n\t}\n}'],
  ])('%s', (_what, before, value, after) => {
    const out = withMember(before, 'auths', value);
    expect(out).toBe(after);
    const { auths, ...rest } = JSON.parse(out) as Record<string, unknown>;
    expect(auths).toEqual(value);
    if (before) expect(rest).toEqual((({ auths: _, ...r }) => r)(JSON.parse(before) as Record<string, unknown>));
  });
});

it('readDockerConfig refuses a file that is not JSON, naming it, with the next step asked for', async () => {
  const file = join(tempDir('config-file'), 'config.json');
  writeFileSync(file, '{"auths": {');
  await expect(readDockerConfig(file, 'log in again')).rejects.toMatchObject({
    code: 'CONFLICT',
    message: expect.stringContaining(`${file} is not valid JSON`),
    hint: expect.stringMatching(/then log in again\.$/),
  });
});
