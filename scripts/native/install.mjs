// `npm ci` / `npm install` runs this (package.json "install"): builds the torch backend's
// native addon when libtorch and a compiler are there, and NEVER fails the install. The
// build script is TypeScript, run with tsx (a devDependency); an install without dev
// dependencies skips the build and says so.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (/** @type {string} */ message) => process.stdout.write(`[build:native] ${message}\n`);

let tsx;
try {
  tsx = createRequire(join(root, 'package.json')).resolve('tsx');
} catch {
  say(
    'skipped: tsx (a devDependency) is not installed; run npm run build:native after a full npm ci',
  );
  process.exit(0);
}
if (tsx) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts', 'native', 'buildTorch.ts'), '--install'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0)
    say(`the build script ended with ${result.status ?? result.signal}; the install goes on`);
}
process.exit(0);
