// One flat config for every component. The component boundaries from DESIGN.md are
// enforced here: a component reaches another only through its published contract
// (sidecar/protocol, webview/protocol).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sidecarInternals = {
  group: ['**/sidecar/**', '!**/sidecar/protocol', '!**/sidecar/protocol/**'],
  message: 'Import only sidecar/protocol from outside the sidecar (DESIGN.md: contracts).',
};
const webviewInternals = {
  group: ['**/webview/**', '!**/webview/protocol', '!**/webview/protocol/**'],
  message: 'Import only webview/protocol from outside the webview.',
};
const extensionCode = {
  group: ['**/extension/**'],
  message: 'Nothing outside the extension imports extension host code.',
};
const cliCode = { group: ['**/cli/**'], message: 'The CLI is a client; nothing imports it.' };
/**
 * @param {...{ group: string[], message: string }} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { paths: [], patterns }],
});

export default tseslint.config(
  {
    // Bundles and build outputs; the project's own JavaScript (scripts/*.mjs, the e2e
    // suites and their extension-host module) is linted below, typed by its tsconfigs.
    ignores: [
      'dist/**',
      '**/node_modules/**',
      '**/*.js',
      '!test/e2e/host/*.js',
      '.scalenet/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // node:test's describe/it return promises that the runner itself tracks.
    files: ['test/**/*.ts', 'test/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript run by node: typed through JSDoc by scripts/tsconfig.json and
    // test/e2e/tsconfig.json (checkJs), whose checker also reports undefined names.
    files: ['**/*.mjs', 'test/e2e/host/*.js'],
    rules: { 'no-undef': 'off' },
  },
  {
    // The extension-host test module is CommonJS: the host require()s it.
    files: ['test/e2e/host/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // This file: no tsconfig project holds it (tsc -p scripts type-checks it).
    files: ['eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The protocol follows vscode-languageserver-node: one namespace per message.
  { files: ['sidecar/protocol/**/*.ts'], rules: { '@typescript-eslint/no-namespace': 'off' } },
  { files: ['extension/**/*.ts'], rules: restrict(sidecarInternals, webviewInternals, cliCode) },
  {
    files: ['sidecar/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The sidecar is a plain Node process.' }],
          patterns: [extensionCode, webviewInternals, cliCode],
        },
      ],
    },
  },
  { files: ['webview/**/*.ts'], rules: restrict(sidecarInternals, extensionCode, cliCode) },
  { files: ['cli/**/*.ts'], rules: restrict(sidecarInternals, webviewInternals, extensionCode) },
);
