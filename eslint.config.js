import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/.build/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', Int32Array: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The core stays free of react/ink (DESIGN.md conventions): only src/ui may import them.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/ui/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [
        { name: 'react', message: 'Only src/ui/ may import react.' },
        { name: 'ink', message: 'Only src/ui/ may import ink.' },
      ] }],
    },
  },
  {
    // Model output must never reach a process: src/hypotheses may not import src/exec or execa.
    files: ['src/hypotheses/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'execa', message: 'The model never acts.' }], patterns: [{ group: ['**/exec/**', '**/exec'], message: 'The model never acts.' }] }],
    },
  },
);
