// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node globals our plain JavaScript files (jest config, scripts) use; TypeScript files get theirs from the compiler. */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    '__dirname',
    '__filename',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'module',
    'process',
    'require',
    'setInterval',
    'setTimeout',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  // Build output, dependencies and the bench's scratch copies (bench/.work holds a built hub and
  // a copy of ../shared/bench). `eslint .` never walks outside the repository; ../shared is named
  // for clarity only.
  { ignores: ['**/dist/', '**/node_modules/', 'coverage/', '.dev/', 'bench/.work/', 'bench/results/', '../shared/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: nodeGlobals } },
  // The inbox (apps/web): React's rules of hooks, and the React Compiler's checks of what a component may do.
  { files: ['apps/web/src/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  // Last, so formatting is Prettier's alone.
  prettier,
);
