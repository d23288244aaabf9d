/**
 * The layering check (`npm run lint:layers`, .dependency-cruiser.cjs) on a small tree made for
 * the test: it passes the tree as it is and fails each forbidden direction and a cycle.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the check over a tree of `files` (path -> source); its exit code and what it printed. */
function check(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-layers-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries({ 'tsconfig.json': '{"compilerOptions":{"module":"nodenext","strict":true}}', ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'electron', 'renderer', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
  );
  return { status: r.status, out: (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '') }; // CI=true turns colours on
}

describe('the layering check', { timeout: 120_000 }, () => {
  const ok = {
    'electron/shared/models.ts': 'export type X = 1;',
    'electron/main/stream-sink.ts': "import type { X } from '../shared/models';\nexport type S = X;",
    'electron/main/services/a.ts': "import type { S } from '../stream-sink';\nexport const a = (s?: S) => s;",
    'electron/main/api/router.ts': "import { a } from '../services/a';\nexport const r = a;",
    'renderer/components/Box.ts': 'export const Box = 1;',
    'renderer/stores/s.ts': "import { Box } from '../components/Box';\nexport const s = Box;",
  };

  it('passes a tree whose imports point down', () => {
    expect(check(ok)).toMatchObject({ status: 0 });
  });

  it.each([
    ['services-not-api', { 'electron/main/services/b.ts': "import { r } from '../api/router';\nexport const b = r;" }],
    ['vm-not-services', { 'electron/main/vm/v.ts': "import { a } from '../services/a';\nexport const v = a;" }],
    ['shared-stands-alone', { 'electron/shared/bad.ts': "import { a } from '../main/services/a';\nexport const z = a;" }],
    ['components-presentational', { 'renderer/components/Bad.ts': "import { s } from '../stores/s';\nexport const bad = s;" }],
    ['views-not-api-client', { 'renderer/api/index.ts': 'export const api = 1;', 'renderer/features/V.ts': "import { api } from '../api/index';\nexport const v = api;" }],
    ['no-cycle', { 'electron/main/services/c.ts': "import { d } from './d';\nexport const c = () => d;", 'electron/main/services/d.ts': "import { c } from './c';\nexport const d = () => c;" }],
    ['no-cycle-of-types', { 'renderer/stores/t.ts': "import type { U } from './u';\nexport type T = U | 1;", 'renderer/stores/u.ts': "import type { T } from './t';\nexport type U = T | 2;" }],
    ['main-not-renderer', { 'electron/main/services/r.ts': "import { s } from '../../../renderer/stores/s';\nexport const r = s;" }],
    ['renderer-not-main', { 'renderer/stores/m.ts': "import { a } from '../../electron/main/services/a';\nexport const m = a;" }],
    ['vm-backends-apart', { 'electron/main/vm/backends/qemu/q.ts': 'export const q = 1;', 'electron/main/vm/backends/mock/m.ts': "import { q } from '../qemu/q';\nexport const m = q;" }],
    ['vm-backends-behind-factory', { 'electron/main/vm/backends/qemu/q.ts': 'export const q = 1;', 'electron/main/vm/cli.ts': "import { q } from './backends/qemu/q';\nexport const c = q;" }],
    ['engine-below-services', { 'electron/main/engine/e.ts': "import { a } from '../services/a';\nexport const e = a;" }],
    ['lib-pure', { 'renderer/lib/l.ts': "import { s } from '../stores/s';\nexport const l = s;" }],
    ['shared-pure', { 'electron/shared/fs.ts': "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;" }],
    ['main-base-below', { 'electron/main/settings.ts': "import { a } from './services/a';\nexport const x = a;" }],
    ['shared-no-electron', { 'electron/shared/e.ts': "import { app } from 'electron';\nexport const e = app;" }],
    ['api-client-below-stores', { 'renderer/api/index.ts': "import { s } from '../stores/s';\nexport const api = s;" }],
    ['stores-below-views', { 'renderer/features/F.ts': 'export const f = 1;', 'renderer/stores/w.ts': "import { f } from '../features/F';\nexport const w = f;" }],
  ])('fails on %s', (rule, extra) => {
    const r = check({ ...ok, ...extra });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`error ${rule}:`);
  });
});
