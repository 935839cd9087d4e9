/**
 * The one config checker (sidecar/protocol/configCheck) as both of its users see it: the
 * sidecar's resolveConfig throws the first problem as a ConfigError, the editor lists them
 * on their nodes. And the nonsense it used to accept or crash on (issue 13, items 7, 8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../sidecar/config/configError';
import { parseConfigText as parseForRun, resolveConfig } from '../../sidecar/config/resolveConfig';
import { METHODS } from '../../sidecar/methods';
import {
  checkConfigText,
  MAX_CONFIG_DEPTH,
  MAX_EPOCHS,
  METHOD_CONFIG_RULES,
  parseConfigText,
} from '../../sidecar/protocol/configCheck';
import { checkInputSizes } from '../../sidecar/runner/inputSizes';

const FILE = '/ws/a.scalenet.json';
const env = { configDir: '/ws', exists: () => true };

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

void describe('one config checker', () => {
  void it('the sidecar throws the first of the problems the editor lists', () => {
    const text =
      '{ "method": "scalenet", "pretext": { "scales": [0.75, 0.5] }, "data": { "limit": 1, "perClass": 1 } }';
    const listed = checkConfigText(text, env);
    assert.deepEqual(
      listed.map((p) => p.field),
      // 0.5 is out of order and is not the 1 a chain ends at: two problems, one node.
      ['pretext.scales.1', 'pretext.scales.1', 'data.perClass'],
    );
    const thrown = configError(() => resolveConfig(JSON.parse(text), FILE));
    assert.equal(thrown.field, listed[0].field);
    assert.equal(thrown.message, `${FILE}: ${listed[0].message}`);
  });

  void it("each method's rules are registered by the name the runner trains it under", () => {
    assert.deepEqual(Object.keys(METHOD_CONFIG_RULES).sort(), Object.keys(METHODS).sort());
    // SimCLR's own defaults (Adam's learning rate) come from its entry.
    const simclr = resolveConfig({ method: 'simclr' }, FILE);
    assert.deepEqual(simclr.pretext.lr, METHOD_CONFIG_RULES.simclr.pretextDefaults?.lr);
    // Its crop rule applies to SimCLR only.
    const crop = { simclr: { cropScale: [1, 0.08] } };
    assert.equal(
      configError(() => resolveConfig({ method: 'simclr', ...crop }, FILE)).field,
      'simclr.cropScale',
    );
    assert.equal(resolveConfig({ method: 'rotnet', ...crop }, FILE).method, 'rotnet');
  });
});

void describe('nonsense refused with the field and the fix', () => {
  void it('epochs: [1e308] (an integer to JSON Schema) is refused, in the editor too', () => {
    const error = configError(() => resolveConfig({ pretext: { epochs: [1e308] } }, FILE));
    assert.equal(error.field, 'pretext.epochs.0');
    assert.equal(error.file, FILE);
    assert.match(error.fix, new RegExp(`between 1 and ${MAX_EPOCHS}`));
    const text =
      '{ "pretext": { "epochs": [1e308] }, "evaluation": { "finetune": { "epochs": 20000 } } }';
    const problems = checkConfigText(text, env);
    assert.deepEqual(
      problems.map((p) => [p.field, text.slice(p.offset, p.offset + p.length)]),
      [
        ['pretext.epochs.0', '1e308'],
        ['evaluation.finetune.epochs', '20000'],
      ],
    );
    assert.equal(
      resolveConfig({ pretext: { epochs: [MAX_EPOCHS] } }, FILE).pretext.epochs[0],
      MAX_EPOCHS,
    );
  });

  void it('a deeply nested config is a named config error, not a stack overflow', () => {
    const depth = 200_000;
    const text = `{ "data": ${'['.repeat(depth)}${']'.repeat(depth)} }`;
    const error = configError(() => parseForRun(text, FILE));
    assert.equal(error.field, '');
    assert.match(error.problem, new RegExp(`nests deeper than ${MAX_CONFIG_DEPTH} levels`));
    assert.match(error.fix, /remove the extra brackets/);
    const parsed = parseConfigText(text);
    assert.deepEqual(parsed.ok ? undefined : [parsed.line, parsed.column], [
      1,
      11 + MAX_CONFIG_DEPTH - 1,
    ]);
    // The same config as a value (an unsaved editor sends its JSON over JSON-RPC).
    let value: unknown = [];
    for (let i = 0; i < depth; i++) value = [value];
    const deep = configError(() => resolveConfig({ data: value }, FILE));
    assert.match(deep.problem, /nests deeper/);
  });

  void it('stages at 1x1 px (scales: [0.01, 1]) are refused: smaller than the model takes', () => {
    const config = resolveConfig({ method: 'scalenet', pretext: { scales: [0.01, 1] } }, FILE);
    // 0.01 of 28 px is 0 px; a resize would have made it 1 px and trained on it.
    const error = configError(() => checkInputSizes(config, 28, FILE));
    assert.equal(error.field, 'pretext.scales.0');
    assert.match(
      error.problem,
      /gives 0x0 inputs \(28 px images\), but resnet needs at least 4 px/,
    );
    assert.match(error.fix, /first scale of at least 0\.15/);
    // The default model (three stages, CIFAR stem) downsamples by 4: 7 px still works.
    const fine = resolveConfig({ method: 'scalenet', pretext: { scales: [0.25, 1] } }, FILE);
    assert.doesNotThrow(() => checkInputSizes(fine, 28, FILE));
  });
});
