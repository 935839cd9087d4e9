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
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { paths: [], patterns }],
});

export default tseslint.config(
  {
    ignores: ['dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '.scalenet/**', '.tmp/**'],
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
    files: ['test/**/*.ts'],
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
