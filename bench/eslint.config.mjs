// The benchmark scripts are plain Node ESM/CJS outside the TypeScript project, so the root config's type-aware
// rules cannot parse them. ESLint 10 looks configuration up from each file's directory: this one applies here.
import js from '@eslint/js';

const node = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'fetch', 'AbortController', 'AbortSignal', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'structuredClone', 'performance', 'require', 'module', '__dirname'].map((name) => [name, 'readonly']),
);

export default [
  js.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: node },
    rules: { eqeqeq: ['error', 'always'], 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'commonjs', globals: node },
    rules: { eqeqeq: ['error', 'always'] },
  },
];
