// ESLint over the whole tree with typescript-eslint's type-aware rules (`npm run lint`, in npm test).
// It catches what tsc does not: a promise nobody awaits or catches, an async callback where a
// plain one is expected, a plain Error thrown where a user would see it, hooks out of order.
// Layout is Prettier's (`npm run format:check`), never ESLint's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const node = Object.fromEntries(['process', 'console', 'require', 'module', '__dirname', 'Buffer', 'URL', 'setTimeout', 'clearTimeout'].map((g) => [g, 'readonly']));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off, and why. JSON from the engine and QEMU is `any` where it is parsed; it is checked by
      // hand or by zod at that line, and these two would flag every field read after it.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // `async` on a function with no await is how a throw in it becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // Control characters in patterns are the point where they occur (ANSI, terminal input, names).
      'no-control-regex': 'off',
      // `a && b()` and `c ? d() : e()` as statements are the house style for a guarded call.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A `let` that a closure reads before its one assignment (wiring that refers to itself) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Rejections and throws pass on what a callback gave, typed unknown: an Error in practice.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  {
    // A user sees what main throws: it is a BerthError, with a code the UI acts on (#18, item 5).
    files: ['electron/main/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['NewExpression', 'CallExpression'].map((node) => ({
          selector: `${node}[callee.name=/^(Type|Range|Syntax)?Error$/]`,
          message: 'Throw a BerthError (electron/shared/errors.ts) with a code, not a plain Error.',
        })),
      ],
    },
  },
  {
    // Tests reach into mocks (`expect(fake.method)`) and into JSON they parse themselves.
    files: ['**/*.test.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      ...Object.fromEntries(
        ['unbound-method', 'no-unsafe-call', 'no-unsafe-return', 'no-unsafe-argument', 'no-explicit-any', 'no-base-to-string', 'restrict-plus-operands', 'restrict-template-expressions'].map((r) => [
          `@typescript-eslint/${r}`,
          'off',
        ]),
      ),
    },
  },
  // The classic hook rules; the React Compiler's rules (refs, purity, ...) judge code for a compiler Berth does not use.
  { files: ['renderer/**/*.{ts,tsx}'], plugins: { 'react-hooks': reactHooks }, rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' } },
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked, languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: node } },
);
