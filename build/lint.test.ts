/**
 * The lint rules catch what eslint.config.mjs says they do: each case lints a few lines as if they
 * were a file of the tree (the file on disk is not touched) and names the rule that must fire.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const eslint = new ESLint({ cwd: root });
const rulesFired = async (file: string, code: string) => (await eslint.lintText(code, { filePath: join(root, file) }))[0]!.messages.map((m) => m.ruleId);

describe('the lint rules', { timeout: 180_000 }, () => {
  it('refuse a promise nobody awaits or catches, and an async callback where a plain one is expected', async () => {
    const fired = await rulesFired('electron/main/paths.ts', "async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n  process.once('SIGINT', f);\n  void f();\n}\n");
    expect(fired).toEqual(['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']);
  });

  it('refuse a plain Error in main, where a user would see it, but not in a test', async () => {
    const code = "export function g(): never {\n  throw new Error('x');\n}\n";
    expect(await rulesFired('electron/main/paths.ts', code)).toEqual(['no-restricted-syntax']);
    expect(await rulesFired('electron/main/cli-args.test.ts', code)).toEqual([]);
  });

  it('refuse a hook called conditionally in the renderer', async () => {
    const code = "import { useState } from 'react';\nexport function View({ on }: { on: boolean }) {\n  if (on) useState(0);\n  return null;\n}\n";
    expect(await rulesFired('renderer/App.tsx', code)).toEqual(['react-hooks/rules-of-hooks']);
  });
});
