/** Sweep files: axes crossed, zip groups in lockstep, seeds last, names unique, errors named. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expandSweep,
  setPath,
  SweepError,
  valueLabel,
  variantConfig,
  type SweepFile,
} from '../../sidecar/protocol/sweep';

const base = { name: 'x', data: { dataset: 'embedded', inputMode: 'original' } };

describe('sweep expansion', () => {
  it('crosses axes, zips groups and puts seeds last', () => {
    const sweep: SweepFile = {
      name: 't3',
      base,
      zip: [{ method: ['rotnet', 'scalenet'], 'pretext.scales': [[1], [0.5, 1]] }],
      cross: { 'data.inputMode': ['original', 'harris', 'gray'] },
      seeds: [101, 202],
    };
    const variants = expandSweep(sweep);
    assert.equal(variants.length, 2 * 3 * 2);
    assert.deepEqual(
      variants.slice(0, 3).map((v) => v.name),
      ['original-rotnet-seed101', 'original-rotnet-seed202', 'original-scalenet-seed101'],
    );
    assert.deepEqual(variants[2].values, {
      'data.inputMode': 'original',
      method: 'scalenet',
      'pretext.scales': [0.5, 1],
      seed: 101,
    });
    assert.deepEqual(
      variants.map((v) => v.index),
      [...Array(12).keys()],
    );
    assert.equal(new Set(variants.map((v) => v.name)).size, 12);
  });

  it('builds each variant config from the base without touching it', () => {
    const [variant] = expandSweep({ name: 's', base, cross: { 'pretext.lr': [[0.1]] } });
    const config = variantConfig('s', { ...base, $schema: 'x' }, variant);
    assert.deepEqual(config, {
      name: 's-0.1',
      data: { dataset: 'embedded', inputMode: 'original' },
      pretext: { lr: [0.1] },
    });
    assert.equal(base.name, 'x');
    assert.deepEqual(setPath({ a: 1 }, 'data.limit', 5), { a: 1, data: { limit: 5 } });
  });

  it('labels values for names', () => {
    assert.equal(valueLabel([0.5, 1]), '0.5_1');
    assert.equal(valueLabel('gray-harris'), 'gray_harris');
    assert.equal(valueLabel({ k: 3 }), 'k3');
  });

  it('names a zip group by all its values when its first list repeats', () => {
    const names = expandSweep({
      name: 's',
      base,
      zip: [{ method: ['scalenet', 'scalenet'], 'pretext.scales': [[1], [0.5, 1]] }],
    }).map((v) => v.name);
    assert.deepEqual(names, ['scalenet-1', 'scalenet-0.5_1']);
  });

  it('a sweep without axes is one variant', () => {
    assert.deepEqual(expandSweep({ name: 's', base }), [{ index: 0, name: 'base', values: {} }]);
  });

  it('rejects mistakes with the field and the fix', () => {
    const cases: [SweepFile, string, RegExp][] = [
      [{ name: 's', base, cross: { 'pretxt.lr': [1] } }, 'cross.pretxt.lr', /not a config field/],
      [{ name: 's', base, cross: { seed: [] } }, 'cross.seed', /non-empty list/],
      [
        { name: 's', base, zip: [{ method: ['a', 'b'], 'pretext.lr': [1] }] },
        'zip[0].pretext.lr',
        /has 1 values but method has 2/,
      ],
      [{ name: 's', base, cross: { seed: [1] }, seeds: [2] }, 'seeds', /seed is also an axis/],
      [{ name: 's', base, seeds: [1.5] }, 'seeds', /whole numbers/],
      [{ name: 's', base, cross: { name: ['a'] } }, 'cross.name', /run name/],
      [{ name: 'a b', base }, 'name', /plain name/],
      [
        { name: 's', base, cross: { method: ['a'] }, zip: [{ method: ['b'] }] },
        'method',
        /two axes/,
      ],
    ];
    for (const [sweep, field, message] of cases) {
      assert.throws(
        () => expandSweep(sweep),
        (e: unknown) =>
          e instanceof SweepError &&
          e.field === field &&
          message.test(e.message) &&
          /Fix:/.test(e.message),
        field,
      );
    }
  });
});
