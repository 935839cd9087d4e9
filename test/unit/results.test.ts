/**
 * The one reading of a run's result metrics (sidecar/protocol/results.ts) that the CLI
 * and the finish notification share, and a failure said with its fix once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureText, resultLines, resultsHeadline } from '../../sidecar/protocol';

const metrics = {
  'pretext/loss': 0.31,
  'knn/accuracy': 0.686,
  'linear@400/stage10/accuracy': 0.5,
  'linear@400/stage2/accuracy': 0.61,
  'finetune@4000/accuracy': 0.8,
  'finetune@400/accuracy': 0.698,
  'pretext/accuracy': 0.947,
};

void describe('run results', () => {
  void it('lists the accuracies in reading order and leaves other metrics out', () => {
    assert.deepEqual(
      resultLines(metrics).map((l) => l.label),
      [
        'pretext accuracy',
        'fine-tune, 400 labels',
        'fine-tune, 4000 labels',
        'linear stage2, 400 labels',
        'linear stage10, 400 labels',
        'kNN',
      ],
    );
  });

  void it('gives one headline with percentages', () => {
    assert.equal(
      resultsHeadline({
        'pretext/accuracy': 0.947,
        'finetune@400/accuracy': 0.698,
        'knn/accuracy': 0.686,
      }),
      'pretext accuracy 94.7% · fine-tune, 400 labels 69.8% · kNN 68.6%',
    );
    assert.equal(resultsHeadline({ 'pretext/loss': 1 }), '');
  });

  void it('says a data error fix once (it already ends the message)', () => {
    const fix = 'Point data.path at a folder with one subfolder per class';
    const dataError = { message: `/x/imgs: the image folder does not exist. ${fix}`, fix };
    assert.equal(failureText(dataError), `/x/imgs: the image folder does not exist. ${fix}.`);
    assert.equal(
      failureText({ message: 'pretext.scales [0.01, 1] is too small.', fix: 'Use 0.25 or more' }),
      'pretext.scales [0.01, 1] is too small. Use 0.25 or more.',
    );
    assert.equal(failureText(undefined), 'unknown error.');
  });
});
