/**
 * The sidecar's layers (DESIGN.md, ARCHITECTURE.md): each folder imports only its own
 * layer or those below, and the folders form no cycle. Read from the source's import
 * statements, so a new import that runs back up a layer fails here (and in CI).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SIDECAR = resolve(import.meta.dirname, '../../sidecar');

/** Top to bottom; `.` is the sidecar's own top-level files (main, lifecycle, version). */
export const LAYERS: readonly (readonly string[])[] = [
  ['.'],
  ['runner'],
  ['methods'],
  ['train', 'eval', 'gradcam', 'inspect'],
  ['data', 'runs'],
  ['backend', 'config', 'transforms', 'models'],
  ['protocol', 'util'],
];

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  assert.notEqual(index, -1, `sidecar/${folder} is in no layer: add it to LAYERS and DESIGN.md`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level sidecar folder of a file (or a folder's index) in it, `.` for its own files. */
function folderOf(path: string): string {
  const parts = relative(SIDECAR, path).split('/');
  const ownFile = parts.length === 1 && (path.endsWith('.ts') || existsSync(`${path}.ts`));
  return ownFile ? '.' : parts[0];
}

interface FolderImport {
  file: string;
  from: string;
  to: string;
}

function folderImports(): FolderImport[] {
  const found: FolderImport[] = [];
  for (const file of sourceFiles(SIDECAR)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      if (relative(SIDECAR, target).startsWith('..')) continue; // schemas/, outside the layers
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) found.push({ file: relative(SIDECAR, file), from, to });
    }
  }
  return found;
}

function folderCycles(edges: FolderImport[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const cycles: string[][] = [];
  const walk = (path: string[]) => {
    for (const to of next.get(path[path.length - 1]) ?? []) {
      if (to === path[0]) cycles.push([...path, to]);
      else if (!path.includes(to) && to > path[0]) walk([...path, to]);
    }
  };
  for (const start of next.keys()) walk([start]);
  return cycles;
}

describe('sidecar layers', () => {
  const edges = folderImports();

  it('reads the imports between folders', () => {
    // The runner drives methods and the store; a check that saw nothing would pass vacuously.
    assert.ok(edges.some((e) => e.from === 'runner' && e.to === 'methods'));
    assert.ok(edges.some((e) => e.from === 'methods' && e.to === 'train'));
  });

  it('has no import that runs back up a layer', () => {
    const upward = edges
      .filter((e) => layerOf(e.to) < layerOf(e.from))
      .map((e) => `${e.file} imports ${e.to}/ (layer ${layerOf(e.to)} above ${layerOf(e.from)})`);
    assert.deepEqual(upward, []);
  });

  it('has no cycle between folders', () => {
    assert.deepEqual(folderCycles(edges), []);
  });

  it('has no cycle between files (madge --circular, also `npm run check:cycles`)', () => {
    const cli = createRequire(import.meta.url).resolve('madge/bin/cli.js');
    const args = ['--circular', '--json', '--extensions', 'ts', '--ts-config'];
    const out = execFileSync(
      process.execPath,
      [cli, ...args, join(SIDECAR, 'tsconfig.json'), SIDECAR],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    assert.deepEqual(JSON.parse(out), []);
  });

  it('finds a cycle when there is one', () => {
    const made = [
      { file: 'a.ts', from: 'train', to: 'eval' },
      { file: 'b.ts', from: 'eval', to: 'train' },
    ];
    assert.deepEqual(folderCycles(made), [['eval', 'train', 'eval']]);
  });
});
