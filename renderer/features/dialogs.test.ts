/**
 * The registry's promise is made by the compiler (`npm run typecheck` reads this file too): each
 * `@ts-expect-error` below fails the typecheck if the registry's type stops refusing that mistake.
 */
import { describe, expect, it } from 'vitest';
import type { DialogRegistry } from './dialogs';

const none = () => null;

describe('dialog registry', () => {
  it('refuses a registry that leaves a dialog out, or reads a field its dialog does not have', () => {
    // @ts-expect-error: every dialog name needs an entry
    const missing: DialogRegistry = { run: none };
    const partial: Omit<DialogRegistry, 'image-tag'> = {} as never;
    // @ts-expect-error: a tag dialog's state has an id, not a name
    const wrongField: DialogRegistry = { ...partial, 'image-tag': (d) => d.name };
    expect([missing, wrongField]).toHaveLength(2);
  });
});
