/**
 * `npm run watch` and the problem matchers of .vscode/tasks.json: scripts/build.mjs
 * --watch, run on a scratch project (its own copy of the script, this repository's
 * node_modules), prints begin/end lines around every rebuild and every type check, and
 * the matchers' patterns — read from tasks.json — find the lines and the errors in that
 * output: a type error (tsc) and a syntax error (esbuild), each with file, line, column.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'jsonc-parser';

const ROOT = resolve(__dirname, '../..');

interface Pattern {
  regexp: string;
  file?: number;
  line?: number;
  column?: number;
  code?: number;
}
interface Matcher {
  owner: string;
  pattern: Pattern | Pattern[];
  background: { activeBegin: boolean; beginsPattern: string; endsPattern: string };
}
const tasks = parse(readFileSync(join(ROOT, '.vscode/tasks.json'), 'utf8')) as {
  tasks: { label: string; problemMatcher: Matcher[] }[];
};
const matchers = tasks.tasks.find((t) => t.label === 'npm: watch')!.problemMatcher;
const byOwner = (owner: string) => matchers.find((m) => m.owner === owner)!;

describe('npm run watch and its problem matchers', () => {
  let dir: string;
  let watch: ChildProcess;
  const lines: string[] = [];
  const main = () => join(dir, 'webview/app/main.ts');

  /** Resolves once a line after `from` matches `re`; returns its index. */
  const waitFor = (re: RegExp, from: number, timeoutMs = 90_000) =>
    new Promise<number>((resolvePromise, reject) => {
      const started = Date.now();
      const poll = () => {
        const i = lines.findIndex((l, k) => k >= from && re.test(l));
        if (i >= 0) return resolvePromise(i);
        if (Date.now() - started > timeoutMs)
          return reject(new Error(`no line ${re} after ${from} in:\n${lines.join('\n')}`));
        setTimeout(poll, 100);
      };
      poll();
    });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scalenet-watch-'));
    for (const d of ['scripts', 'webview/app', 'sidecar/data/embedded'])
      mkdirSync(join(dir, d), { recursive: true });
    copyFileSync(join(ROOT, 'scripts/build.mjs'), join(dir, 'scripts/build.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(
      join(dir, 'webview/tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] },
        include: ['./**/*.ts'],
      }),
    );
    writeFileSync(main(), 'export const answer: number = 42;\n');
    watch = spawn(process.execPath, ['scripts/build.mjs', '--watch'], {
      cwd: dir,
      env: { ...process.env, SCALENET_BUILD_ONLY: 'webview' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [watch.stdout, watch.stderr])
      stream?.on('data', (chunk: Buffer) => lines.push(...String(chunk).split('\n')));
  });

  after(() => {
    if (watch?.pid) process.kill(-watch.pid, 'SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('brackets the first build and type check with the lines the matchers wait for', async () => {
    const esbuild = byOwner('esbuild').background;
    const tsc = byOwner('typescript').background;
    const begin = await waitFor(new RegExp(esbuild.beginsPattern), 0);
    const end = await waitFor(new RegExp(esbuild.endsPattern), begin);
    const checkBegin = await waitFor(new RegExp(tsc.beginsPattern), end);
    const checkEnd = await waitFor(new RegExp(tsc.endsPattern), checkBegin);
    assert.equal(lines[end], '[watch] build finished: 0 errors');
    assert.equal(lines[checkEnd], '[watch] typecheck finished: 0 errors');
    // The launch waits for the build only; the type check reports when it is done.
    assert.equal(esbuild.activeBegin, true);
    assert.equal(tsc.activeBegin, false);
  });

  it('reports a type error on every rebuild, where the tsc matcher finds it', async () => {
    const from = lines.length;
    writeFileSync(main(), "export const answer: number = 'forty-two';\n");
    const end = await waitFor(/^\[watch\] typecheck finished: 1 errors$/, from);
    const pattern = byOwner('typescript').pattern as Pattern;
    const re = new RegExp(pattern.regexp);
    const found = lines
      .slice(from, end)
      .map((l) => re.exec(l))
      .find(Boolean);
    assert.ok(found, lines.slice(from, end).join('\n'));
    assert.equal(found[pattern.file!], 'webview/app/main.ts');
    assert.equal(found[pattern.line!], '1');
    assert.equal(found[pattern.column!], '14');
    assert.equal(found[pattern.code!], 'TS2322');
  });

  it('reports a syntax error in the build, where the esbuild matcher finds it', async () => {
    const from = lines.length;
    writeFileSync(main(), 'export const answer: number = ;\n');
    const end = await waitFor(/^\[watch\] build finished: 1 errors$/, from);
    const [first, blank, location] = (byOwner('esbuild').pattern as Pattern[]).map(
      (p) => new RegExp(p.regexp),
    );
    const at = lines.findIndex((l, k) => k >= from && k < end && first.test(l));
    assert.ok(at >= 0, lines.slice(from, end).join('\n'));
    assert.match(lines[at + 1], blank);
    const where = location.exec(lines[at + 2]);
    assert.ok(where, lines[at + 2]);
    assert.deepEqual(where.slice(1, 4), ['webview/app/main.ts', '1', '30']);
    // Fixed again: a clean rebuild says so.
    const again = lines.length;
    writeFileSync(main(), 'export const answer: number = 42;\n');
    await waitFor(/^\[watch\] build finished: 0 errors$/, again);
  });
});
