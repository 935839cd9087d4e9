/**
 * The config shape of separate pretext and evaluation sources (`data: {dataset: "pool"}`,
 * `evaluation.data`) and of transfer (`pretext.initFrom`): today's configs keep their
 * meaning, the new fields resolve, and each mistake names its field and fix in the
 * editor and in the sidecar alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../sidecar/config/configError';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { checkConfigText } from '../../sidecar/protocol/configCheck';
import { describeSources, type DataSourcesRecord } from '../../sidecar/protocol';

const FILE = '/ws/own.scalenet.json';
const env = (present: string[] = []) => ({
  configDir: '/ws',
  exists: (path: string) => present.includes(path),
});

const poolConfig = {
  data: { dataset: 'pool', path: 'frames', imageSize: 32, channels: 3 },
  evaluation: { data: { dataset: 'folder', path: 'annotated' } },
  pretext: { initFrom: { run: '.scalenet/runs/old-20261201-120000' } },
};

void describe('pretext pool, evaluation set and initFrom in the config', () => {
  void it('resolves a pool config; evaluation.data gets its split fraction', () => {
    const config = resolveConfig(structuredClone(poolConfig), FILE);
    assert.equal(config.data.dataset, 'pool');
    assert.deepEqual(config.evaluation.data, {
      dataset: 'folder',
      path: 'annotated',
      testFraction: 0.3,
    });
    assert.deepEqual(config.pretext.initFrom, { run: '.scalenet/runs/old-20261201-120000' });
  });

  void it('leaves today’s configs as they were: no evaluation.data, no initFrom', () => {
    const config = resolveConfig({ data: { dataset: 'embedded' } }, FILE);
    assert.equal(config.evaluation.data, undefined);
    assert.equal(config.pretext.initFrom, undefined);
  });

  void it('a pool without a labelled set is refused at evaluation.data', () => {
    const text = JSON.stringify({ data: { dataset: 'pool', path: 'frames' } });
    const [problem] = checkConfigText(text, env(['/ws/frames']));
    assert.equal(problem.field, 'evaluation.data');
    assert.match(problem.problem, /no labels to evaluate on/);
    assert.match(problem.fix, /"dataset": "folder"/);
    assert.throws(
      () => resolveConfig(JSON.parse(text), FILE),
      (e: unknown) => e instanceof ConfigError && e.field === 'evaluation.data',
    );
  });

  void it('missing folders of both sources and a missing run are named with their fix', () => {
    const problems = checkConfigText(JSON.stringify(poolConfig), env());
    assert.deepEqual(
      problems.map((p) => p.field),
      ['data.path', 'evaluation.data.path', 'pretext.initFrom.run'],
    );
    assert.match(problems[0].problem, /does not exist: \/ws\/frames/);
    assert.match(problems[1].problem, /does not exist: \/ws\/annotated/);
    assert.match(problems[2].problem, /not a run folder/);
    const present = env([
      '/ws/frames',
      '/ws/annotated',
      '/ws/.scalenet/runs/old-20261201-120000/config.json',
    ]);
    assert.deepEqual(checkConfigText(JSON.stringify(poolConfig), present), []);
  });

  void it('an evaluation set without its path, and a pool as evaluation set, are refused', () => {
    const noPath = { data: { dataset: 'embedded' }, evaluation: { data: { dataset: 'folder' } } };
    const [problem] = checkConfigText(JSON.stringify(noPath), env());
    assert.equal(problem.field, 'evaluation.data.path');
    assert.throws(
      () => resolveConfig({ evaluation: { data: { dataset: 'pool', path: 'x' } } }, FILE),
      (e: unknown) => e instanceof ConfigError && e.field === 'evaluation.data.dataset',
    );
  });

  void it('label budgets are checked against the labelled set, not the pretext source', () => {
    const text = JSON.stringify({
      data: { dataset: 'cifar10', path: 'c' },
      evaluation: { data: { dataset: 'embedded' }, finetune: { labels: [5000] } },
    });
    const budget = checkConfigText(text, env(['/ws/c'])).find((p) =>
      p.field.startsWith('evaluation.finetune'),
    );
    assert.match(budget?.problem ?? '', /embedded dataset has 4000/);
  });

  void it('tells the counts per class, the split and the leak in words', () => {
    const record: DataSourcesRecord = {
      pretext: {
        dataset: 'pool:/data/frames',
        images: 30000,
        trainImages: 29500,
        heldOutImages: 500,
        labelsIgnored: true,
      },
      evaluation: {
        dataset: 'folder:/data/annotated:train',
        classNames: ['cell', 'debris'],
        trainPerClass: [140, 70],
        testPerClass: [60, 30],
        split: 'seeded',
        testFraction: 0.3,
      },
      leaks: {
        count: 1,
        testCount: 1,
        examples: [{ split: 'test', index: 4, className: 'cell', pretext: '/data/frames/a.png' }],
      },
    };
    assert.deepEqual(describeSources(record), [
      'pretext: 30000 images in pool:/data/frames (labels ignored): 29500 train, 500 held out',
      'evaluation: folder:/data/annotated:train, 2 classes (seeded stratified split, 30% test)',
      '  train 210: cell 140, debris 70',
      '  test 90: cell 60, debris 30',
      'warning: 1 labelled images (1 of them test images) are also pretext images: test #4 (cell) = /data/frames/a.png',
    ]);
  });
});
