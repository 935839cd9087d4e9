/**
 * The vscode-free parts behind the runs view and its commands: how a run reads, which
 * folders hold runs, the comparison table, and the New Config templates (each valid for
 * the schema and free of semantic problems).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'jsonc-parser';
import { TEMPLATES, templateText } from '../../extension/configTemplates';
import { checkConfigText } from '../../sidecar/protocol/configCheck';
import { comparisonMarkdown, meanStd } from '../../extension/runs/compareTable';
import { isResumable, presentRun, startedLabel } from '../../extension/runs/runPresentation';
import { configForRun, runsFolders } from '../../extension/runs/runsFolders';
import type { RunInfo } from '../../sidecar/protocol/index';

const run = (over: Partial<RunInfo>): RunInfo => ({
  runId: 'r',
  runDir: '/ws/.scalenet/runs/r',
  name: 'demo',
  status: 'completed',
  method: 'scalenet',
  scales: [0.5, 1],
  inputMode: 'harris',
  seed: 1,
  metrics: {},
  ...over,
});

void describe('run presentation', () => {
  void it('one line: method [scales] · input · pretext, kNN, fine-tune per budget', () => {
    const shown = presentRun(
      run({
        metrics: {
          'pretext/accuracy': 0.8123,
          'knn/accuracy': 0.6,
          'finetune@4000/accuracy': 0.9,
          'finetune@400/accuracy': 0.7,
          'pretext/loss': 0.51234,
        },
      }),
    );
    assert.equal(shown.label, 'demo');
    assert.equal(
      shown.description,
      'scalenet [0.5, 1] · harris · pretext 81.2% · kNN 60.0% · ft@400 70.0% · ft@4000 90.0%',
    );
    assert.deepEqual(shown.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(shown.contextValue, 'scalenetRun status:completed');
    assert.match(
      shown.tooltip,
      /^demo — completed\nscalenet \[0\.5, 1\] · input harris · seed 1\n/,
    );
    assert.match(shown.tooltip, /\npretext\/loss: 0\.5123$/);
  });

  void it('runs named alike differ by their start time (local time)', () => {
    process.env.TZ = 'UTC';
    const a = presentRun(run({ startedAt: '2026-11-01T12:00:00Z' }));
    const b = presentRun(run({ startedAt: '2026-12-02T06:05:59Z' }));
    assert.equal(a.label, b.label);
    assert.equal(a.description, 'Nov 1 12:00 · scalenet [0.5, 1] · harris');
    assert.equal(b.description, 'Dec 2 06:05 · scalenet [0.5, 1] · harris');
    assert.equal(startedLabel('not a date'), undefined);
  });

  void it('resumable: stopped, interrupted or failed, with a checkpoint', () => {
    const checkpoint = '/ws/.scalenet/runs/r/checkpoints/stage1';
    assert.equal(isResumable(run({ status: 'interrupted', latestCheckpoint: checkpoint })), true);
    assert.equal(isResumable(run({ status: 'stopped' })), false);
    assert.equal(isResumable(run({ status: 'completed', latestCheckpoint: checkpoint })), false);
    const shown = presentRun(run({ status: 'failed', latestCheckpoint: checkpoint }));
    assert.equal(shown.contextValue, 'scalenetRun status:failed resumable');
    assert.equal(shown.icon.id, 'error');
  });
});

void describe('runs folders', () => {
  void it('the setting per workspace folder plus each config’s own runsDir', () => {
    const folders = runsFolders({
      settingRunsDir: '.scalenet/runs',
      workspaceFolders: ['/ws'],
      configs: [
        { path: '/ws/a.scalenet.json', text: '{ "name": "a" }' },
        { path: '/ws/ex/b.scalenet.json', text: '{ // own folder\n "runsDir": "../out" }' },
        { path: '/ws/broken.scalenet.json', text: '{ "name": ' },
      ],
    });
    assert.deepEqual(folders, [
      {
        runsDir: '/ws/.scalenet/runs',
        configs: [
          { path: '/ws/a.scalenet.json', name: 'a' },
          { path: '/ws/broken.scalenet.json', name: 'broken' },
        ],
      },
      { runsDir: '/ws/out', configs: [{ path: '/ws/ex/b.scalenet.json', name: 'b' }] },
    ]);
    assert.equal(
      configForRun({ runDir: '/ws/out/b-1', name: 'b' }, folders),
      '/ws/ex/b.scalenet.json',
    );
    // No config of that name writes there: the run's own resolved config.
    assert.equal(
      configForRun({ runDir: '/ws/out/c-1', name: 'c' }, folders),
      '/ws/out/c-1/config.json',
    );
  });
});

void describe('compare table', () => {
  void it('mean ± sample std over seeds, one row per method [scales] and input', () => {
    assert.equal(meanStd([0.7, 0.72, 0.74]), '72.00 ± 2.00');
    assert.equal(meanStd([0.5]), '50.00');
    assert.equal(meanStd([]), '—');
    const md = comparisonMarkdown([
      run({ seed: 1, metrics: { 'pretext/accuracy': 0.8, 'finetune@400/accuracy': 0.7 } }),
      run({ seed: 2, metrics: { 'pretext/accuracy': 0.9, 'finetune@400/accuracy': 0.74 } }),
      run({
        method: 'rotnet',
        scales: [1],
        inputMode: 'original',
        metrics: {
          'pretext/accuracy': 0.85,
          'linear@400/block1/accuracy': 0.5,
          'linear@400/block2/accuracy': 0.6,
        },
      }),
    ]);
    const table = md.split('\n').filter((l) => l.startsWith('|'));
    assert.deepEqual(table, [
      '| Method [scales] | Input | Seeds | Pretext acc. | kNN | Fine-tune @400 | Linear @400 (best block) |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: |',
      '| scalenet [0.5, 1] | harris | 1, 2 | 85.00 ± 7.07 | — | 72.00 ± 2.83 | — |',
      '| rotnet [1] | original | 1 | 85.00 | — | — | 60.00 |',
    ]);
  });
});

void describe('New Config templates', () => {
  const schema = JSON.parse(readFileSync('schemas/scalenet.schema.json', 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  for (const template of TEMPLATES) {
    void it(`${template.label}: commented, valid for the schema, no semantic problems`, () => {
      const text = templateText(template.id, template.stem);
      assert.match(text, /^\{\n {2}\/\/ /);
      const value = parse(text, [], { allowTrailingComma: true }) as {
        name: string;
        method: string;
        pretext: { scales: number[] };
      };
      assert.ok(validate(value), JSON.stringify(validate.errors));
      assert.deepEqual(checkConfigText(text, { configDir: '/ws', exists: () => false }), []);
      assert.equal(value.name, template.stem);
      const expected = { rotnet: [1], scalenet2: [0.5, 1], scalenet3: [0.5, 0.75, 1], simclr: [1] };
      assert.deepEqual(value.pretext.scales, expected[template.id]);
    });
  }
});

void describe('runs view menus', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> };
  };
  /** Whether an item's `viewItem =~ /…/` clauses all match a context value. */
  const shows = (command: string, contextValue: string) =>
    manifest.contributes.menus['view/item/context']
      .filter((m) => m.command === command && m.group !== 'inline')
      .every((m) =>
        [...(m.when ?? '').matchAll(/viewItem =~ \/(.*?)\/(?= |$)/g)].every((r) =>
          new RegExp(r[1]).test(contextValue),
        ),
      );
  const value = (status: RunInfo['status'], checkpoint = false) =>
    presentRun(run({ status, latestCheckpoint: checkpoint ? '/c' : undefined })).contextValue;

  void it('Delete on every run but a running one; Resume only on resumable runs', () => {
    assert.equal(shows('scalenet.runs.delete', value('completed')), true);
    assert.equal(shows('scalenet.runs.delete', value('interrupted', true)), true);
    assert.equal(shows('scalenet.runs.delete', value('running')), false);
    assert.equal(shows('scalenet.resumeRun', value('stopped', true)), true);
    assert.equal(shows('scalenet.resumeRun', value('stopped')), false);
    assert.equal(shows('scalenet.resumeRun', value('completed')), false);
    assert.equal(shows('scalenet.runs.reveal', value('running')), true);
    assert.equal(shows('scalenet.runs.reveal', 'scalenetRunsFolder'), false);
  });
});
