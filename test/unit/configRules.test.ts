/**
 * The semantic config rules on hand-written texts: each problem's field, the exact text
 * its range covers, and its message (the sidecar's ConfigError wording where they overlap).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfigText, type RuleEnvironment } from '../../sidecar/protocol/configCheck';

const env: RuleEnvironment = {
  configDir: '/ws/configs',
  exists: (p) => ['/ws/data/mnist', '/ws/runs/a/subset.json'].includes(p),
};

/** field → [covered text, message], for readable expectations. */
function check(text: string): Record<string, [string, string]> {
  return Object.fromEntries(
    checkConfigText(text, env).map((p) => [
      p.field,
      [text.slice(p.offset, p.offset + p.length), p.message],
    ]),
  );
}

void describe('config rules', () => {
  void it('accepts a good commented ScaleNet config with no problems', () => {
    const text = `{
      // a chain of two scales
      "method": "scalenet",
      "data": { "dataset": "idx", "path": "../data/mnist", "limit": 100, "subset": "../runs/a/subset.json" },
      "pretext": { "scales": [0.5, 1], "epochs": [2, 3], "lr": [0.05] },
      "evaluation": { "finetune": { "labels": [400] } },
    }`;
    assert.deepEqual(checkConfigText(text, env), []);
  });

  void it('scales: out of order and not ending at 1, each on its element', () => {
    const text = '{ "method": "scalenet", "pretext": { "scales": [0.75, 0.5, 0.9] } }';
    assert.deepEqual(check(text), {
      'pretext.scales.1': [
        '0.5',
        'pretext.scales.1 is not larger than the scale before it. List the scales in ascending order, e.g. [0.5, 1].',
      ],
      'pretext.scales.2': [
        '0.9',
        'pretext.scales.2 is not 1. End the chain at full scale: the last scale must be 1.',
      ],
    });
  });

  void it('rotnet (the default method) with a chain of scales', () => {
    const problems = check('{ "pretext": { "scales": [0.5, 1] } }');
    assert.deepEqual(problems['pretext.scales'], [
      '[0.5, 1]',
      'pretext.scales has several scales but method is "rotnet". Use "method": "scalenet" for a chain of scales, or "scales": [1] for RotNet.',
    ]);
  });

  void it('per-stage lists need one entry per scale or one for all', () => {
    const text =
      '{ "method": "scalenet", "pretext": { "scales": [0.5, 0.75, 1], "epochs": [1, 2], "lr": [0.1] } }';
    assert.deepEqual(check(text), {
      'pretext.epochs': [
        '[1, 2]',
        'pretext.epochs has 2 entries but pretext.scales has 3. Give one entry per scale (or a single entry for all stages).',
      ],
    });
    // Without scales the chain is [1]: two epochs entries are one too many.
    assert.deepEqual(Object.keys(check('{ "pretext": { "lr": [0.1, 0.2] } }')), ['pretext.lr']);
  });

  void it('limit and perClass together, on perClass', () => {
    assert.deepEqual(check('{ "data": { "limit": 10, "perClass": 5 } }'), {
      'data.perClass': [
        '5',
        'data.perClass is set together with data.limit. Keep one of limit (total) and perClass (per class).',
      ],
    });
  });

  void it('dataset path: missing, or not on disk (relative to the config)', () => {
    assert.deepEqual(check('{ "data": { "dataset": "folder" } }'), {
      'data.path': [
        '"folder"',
        'data.path is missing for dataset "folder". Set data.path to the folder holding the dataset files.',
      ],
    });
    assert.deepEqual(check('{ "data": { "dataset": "cifar10", "path": "../data/cifar" } }'), {
      'data.path': [
        '"../data/cifar"',
        'data.path does not exist: /ws/data/cifar. Relative paths resolve against the config file’s folder; point it at the dataset files.',
      ],
    });
    // The embedded set has no path to check.
    assert.deepEqual(check('{ "data": { "dataset": "embedded", "path": "nowhere" } }'), {});
  });

  void it('a subset file that is not there', () => {
    assert.deepEqual(check('{ "data": { "subset": "/tmp/none/subset.json" } }'), {
      'data.subset': [
        '"/tmp/none/subset.json"',
        'data.subset cannot be read (no file /tmp/none/subset.json). Point data.subset at the subset.json of an existing run.',
      ],
    });
  });

  void it('label budgets above the embedded set’s 4,000 training images are warnings', () => {
    const text =
      '{ "evaluation": { "finetune": { "labels": [400, 5000] }, "linear": { "labels": [4000] } } }';
    const problems = checkConfigText(text, env);
    assert.deepEqual(
      problems.map((p) => [p.field, text.slice(p.offset, p.offset + p.length), p.severity]),
      [['evaluation.finetune.labels.1', '5000', 'warning']],
    );
    assert.equal(
      problems[0].message,
      'evaluation.finetune.labels.1 asks for 5000 labelled images but the embedded dataset has 4000 training images. Use at most 4000.',
    );
    // A folder dataset's size is not known from the text: no warning.
    const folder =
      '{ "data": { "dataset": "idx", "path": "/ws/data/mnist" }, "evaluation": { "finetune": { "labels": [90000] } } }';
    assert.deepEqual(checkConfigText(folder, env), []);
  });

  void it('model widths per stage, SimCLR crop bounds', () => {
    const text =
      '{ "method": "simclr", "model": { "blocks": [1, 1], "widths": [8] }, "simclr": { "cropScale": [1, 0.08] } }';
    assert.deepEqual(Object.keys(check(text)).sort(), ['model.widths', 'simclr.cropScale']);
  });

  void it('still checks a config with a syntax error elsewhere, and ignores non-objects', () => {
    const text = '{ "data": { "limit": 1, "perClass": 2 }\n "seed": 1 }';
    assert.deepEqual(Object.keys(check(text)), ['data.perClass']);
    assert.deepEqual(checkConfigText('[1, 2]', env), []);
    assert.deepEqual(checkConfigText('', env), []);
  });
});
