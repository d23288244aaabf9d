import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { contextTar, excluder, ignoreFile } from './build-context';

const excluded = (ignore: string, path: string) => excluder(ignore)(path);
const listing = async (dir: string, dockerfile?: string) => execFileSync('tar', ['-tvf', '-'], { input: await buffer(await contextTar(dir, dockerfile)) }).toString();

describe('.dockerignore', () => {
  it('follows Docker’s matching rules', () => {
    expect(excluded('node_modules', 'node_modules/x/y.js')).toBe(true); // a folder excludes what is under it
    expect(excluded('node_modules', 'src/node_modules')).toBe(false); // patterns are rooted
    expect(excluded('**/node_modules', 'src/node_modules/a')).toBe(true);
    expect(excluded('*.log', 'a.log')).toBe(true);
    expect(excluded('*.log', 'logs/a.log')).toBe(false); // * does not cross "/"
    expect(excluded('**/*.log', 'logs/deep/a.log')).toBe(true);
    expect(excluded('/secret?.txt', 'secret1.txt')).toBe(true);
    expect(excluded('*.md\n!README.md', 'README.md')).toBe(false); // last match wins
    expect(excluded('*.md\n!README.md', 'CHANGES.md')).toBe(true);
    expect(excluded('# comment\n\n  build/  ', 'build/out.bin')).toBe(true);
    expect(excluded('file[0-9].txt', 'file7.txt')).toBe(true);
  });

  it('sends what is not ignored, plus the Dockerfile and .dockerignore; the tar extracts with tar(1)', async () => {
    const dir = tempDir('ctx');
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), 'logs\n*.tmp\nDockerfile\n.dockerignore\n!logs/keep.txt\n');
    writeFileSync(join(dir, 'src/app.js'), 'console.log(1)\n');
    writeFileSync(join(dir, 'src/x.tmp'), 'yes: *.tmp is rooted\n');
    writeFileSync(join(dir, 'y.tmp'), 'no\n');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(100_000, 1));
    writeFileSync(join(dir, 'logs/a.log'), 'no\n');
    writeFileSync(join(dir, 'logs/keep.txt'), 'yes\n');
    symlinkSync('src/app.js', join(dir, 'link'));
    const out = await listing(dir);
    for (const name of ['Dockerfile', '.dockerignore', 'big.bin', 'logs/keep.txt', 'src/app.js', 'src/x.tmp']) expect(out).toContain(name);
    expect(out).toMatch(/link -> src\/app\.js/);
    expect(out).not.toMatch(/a\.log|y\.tmp/);
  });

  it('takes <Dockerfile>.dockerignore before .dockerignore', async () => {
    const dir = tempDir('ctx');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub/app.Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'sub/app.Dockerfile.dockerignore'), 'b.txt\n');
    writeFileSync(join(dir, '.dockerignore'), 'a.txt\n');
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b.txt'), 'b');
    expect((await ignoreFile(dir, 'sub/app.Dockerfile'))?.name).toBe('sub/app.Dockerfile.dockerignore');
    expect((await ignoreFile(dir))?.name).toBe('.dockerignore');
    const specific = await listing(dir, 'sub/app.Dockerfile');
    expect(specific).toContain('a.txt');
    expect(specific).not.toContain('b.txt');
    const plain = await listing(dir);
    expect(plain).toContain('b.txt');
    expect(plain).not.toContain('a.txt');
  });
});
