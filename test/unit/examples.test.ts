/**
 * The shipped example configs carry no `$schema`: VS Code lets a file's own `$schema`
 * override the extension's `jsonValidation`, and a relative one (`../schemas/…`) cannot
 * load when `examples/` itself is opened as the workspace, so the user got neither
 * diagnostics nor hovers. The manifest's contribution is enough.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';

function configsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.scalenet.json'))
    .map((e) => join(e.parentPath, e.name));
}

void describe('example configs', () => {
  const files = configsUnder('examples');
  void it('are found', () => assert.ok(files.length >= 10, files.join(', ')));
  for (const file of files) {
    void it(`${file} leaves the schema to the extension`, () => {
      const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      assert.equal(typeof config, 'object');
      assert.equal('$schema' in config, false);
    });
  }
});
