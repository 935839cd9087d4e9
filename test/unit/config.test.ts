import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../sidecar/config/configError';
import { parseConfigText, resolveConfig } from '../../sidecar/config/resolveConfig';

const FILE = '/work/a.scalenet.json';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('config resolution', () => {
  it('fills every default from the schema', () => {
    const config = resolveConfig({}, FILE);
    assert.equal(config.method, 'rotnet');
    assert.deepEqual(config.pretext.scales, [1]);
    assert.equal(config.pretext.batchSize, 32);
    assert.deepEqual(config.data.harris, { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 });
    assert.deepEqual(config.model.widths, [16, 32, 64]);
  });

  it('broadcasts a single per-stage entry over the chain', () => {
    const config = resolveConfig(
      { method: 'scalenet', pretext: { scales: [0.5, 0.75, 1], lr: [0.1] } },
      FILE,
    );
    assert.deepEqual(config.pretext.lr, [0.1, 0.1, 0.1]);
    assert.deepEqual(config.pretext.epochs, [3, 3, 3]);
  });

  it('names the field and the fix for chain errors', () => {
    const descending = errorOf(() =>
      resolveConfig({ method: 'scalenet', pretext: { scales: [1, 0.5] } }, FILE),
    );
    assert.equal(descending.field, 'pretext.scales.1');
    assert.match(descending.fix, /ascending/);
    const notEndingAtOne = errorOf(() =>
      resolveConfig({ method: 'scalenet', pretext: { scales: [0.25, 0.5] } }, FILE),
    );
    assert.equal(notEndingAtOne.field, 'pretext.scales.1');
    const lengths = errorOf(() =>
      resolveConfig(
        { method: 'scalenet', pretext: { scales: [0.5, 1], lr: [0.1, 0.05, 0.01] } },
        FILE,
      ),
    );
    assert.equal(lengths.field, 'pretext.lr');
    const rotnetChain = errorOf(() =>
      resolveConfig({ method: 'rotnet', pretext: { scales: [0.5, 1] } }, FILE),
    );
    assert.match(rotnetChain.fix, /scalenet/);
  });

  it('names unknown fields, bad enums and missing paths', () => {
    assert.equal(
      errorOf(() => resolveConfig({ data: { datset: 'x' } }, FILE)).field,
      'data.datset',
    );
    const badEnum = errorOf(() => resolveConfig({ data: { inputMode: 'blurry' } }, FILE));
    assert.equal(badEnum.field, 'data.inputMode');
    assert.match(badEnum.fix, /"harris"/);
    assert.equal(
      errorOf(() => resolveConfig({ data: { dataset: 'cifar10' } }, FILE)).field,
      'data.path',
    );
    assert.equal(
      errorOf(() => resolveConfig({ data: { limit: 10, perClass: 1 } }, FILE)).field,
      'data.perClass',
    );
  });

  it('parses comments and reports JSON syntax errors with line and column', () => {
    assert.deepEqual(parseConfigText('// hi\n{ "seed": 4, }', FILE), { seed: 4 });
    const syntax = errorOf(() => parseConfigText('{\n  "seed": 4\n  "name": "x"\n}', FILE));
    assert.match(syntax.message, /line 3, column 3/);
    assert.match(syntax.message, new RegExp(FILE));
  });
});
