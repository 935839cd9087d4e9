/**
 * The shipped Table-3 sweep: valid against schemas/sweep.schema.json, and its dry run
 * is RotNet vs ScaleNet [0.5, 1] x five input modes x 3 seeds = 30 variants, each a
 * config the run-config schema accepts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'jsonc-parser';
import { variantConfig } from '../../sidecar/protocol/sweep';
import { loadSweep } from '../../cli/sweep/sweepFolder';

const root = join(__dirname, '../..');
const example = join(root, 'examples/sweeps/table3-fashion.sweep.json');
const schema = (name: string) =>
  JSON.parse(readFileSync(join(root, 'schemas', name), 'utf8')) as Record<string, unknown>;

describe('examples/sweeps/table3-fashion.sweep.json', () => {
  it('expands to 30 variants: 2 methods x 5 input modes x 3 seeds', () => {
    const loaded = loadSweep(example);
    assert.equal(loaded.variants.length, 30);
    const values = loaded.variants.map((v) => v.values);
    const count = (key: string) => new Set(values.map((v) => JSON.stringify(v[key]))).size;
    assert.equal(count('method'), 2);
    assert.equal(count('data.inputMode'), 5);
    assert.equal(count('seed'), 3);
    assert.deepEqual(
      [...new Set(values.map((v) => v['data.inputMode']))],
      ['original', 'harris', 'gray', 'gray-harris', 'hybrid'],
    );
    assert.deepEqual(loaded.variants[3].values['pretext.scales'], [0.5, 1]);
    assert.equal(new Set(loaded.variants.map((v) => v.name)).size, 30);
  });

  it('is valid against the sweep schema, and every variant against the config schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema('scalenet.schema.json'));
    const validSweep = ajv.compile(schema('sweep.schema.json'));
    const sweep = parse(readFileSync(example, 'utf8')) as unknown;
    assert.ok(validSweep(sweep), JSON.stringify(validSweep.errors));
    const validConfig = ajv.getSchema('https://scalenet.dev/schemas/scalenet.schema.json')!;
    const loaded = loadSweep(example);
    for (const variant of loaded.variants) {
      const config = variantConfig(loaded.sweep.name, loaded.base, variant);
      assert.ok(validConfig(config), `${variant.name}: ${JSON.stringify(validConfig.errors)}`);
    }
    assert.equal(validSweep({ name: 's', base: 'x.json', cross: { 'pretxt.lr': [1] } }), false);
  });

  it('scalenet sweep --dry-run prints the 30 variants and the count', () => {
    const out = execFileSync(
      process.execPath,
      [join(root, 'dist/cli.js'), 'sweep', example, '--dry-run'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(
      out,
      /^30 variants; sweep folder .*sweeps\/table3-fashion; runs in .*\.scalenet\/runs$/m,
    );
    assert.match(out, /^29 +hybrid-scalenet-seed303 +hybrid +scalenet +\[0\.5,1\]/m);
  });
});
