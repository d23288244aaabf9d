import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { contextEntries, contextTar, isExcluded, parseDockerignore } from './build-context';

const excluded = (ignore: string, path: string) => isExcluded(path, parseDockerignore(ignore));

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
    expect(excluded('file[!0-9].txt', 'file7.txt')).toBe(false);
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
    const entries = await contextEntries(dir);
    expect(entries).toEqual(['.dockerignore', 'Dockerfile', 'big.bin', 'link', 'logs/keep.txt', 'src', 'src/app.js', 'src/x.tmp']);
    const parts: Buffer[] = [];
    for await (const p of contextTar(dir, entries)) parts.push(p);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: Buffer.concat(parts) }).toString();
    expect(listing).toMatch(/big\.bin/);
    expect(listing).toMatch(/link -> src\/app\.js/);
    expect(listing).not.toMatch(/a\.log|y\.tmp/);
  });
});
