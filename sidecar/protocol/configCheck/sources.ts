/**
 * The rules of separate pretext and evaluation sources and of transfer between runs:
 * an unlabelled pool needs a labelled set to be evaluated on, a labelled set needs its
 * files, and `pretext.initFrom` must name a run folder.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { stringAt, type ConfigRule } from './tree';

const DATASETS_WITH_PATH = new Set(['idx', 'cifar10', 'folder']);

export const checkSources: ConfigRule = ({ node, add, env }) => {
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(env?.configDir ?? '.', p));
  const datasetNode = node(['data', 'dataset']);
  const evaluationData = node(['evaluation', 'data']);
  if (stringAt(datasetNode) === 'pool') {
    const pathNode = node(['data', 'path']);
    const path = stringAt(pathNode);
    if (path === undefined || path.trim() === '') {
      add(
        pathNode ?? datasetNode!,
        'data.path',
        'is missing for dataset "pool"',
        'Set data.path to the folder of unlabelled images (subfolders are searched too).',
      );
    } else if (env?.exists && !env.exists(absolute(path))) {
      add(
        pathNode!,
        'data.path',
        `does not exist: ${absolute(path)}`,
        'Relative paths resolve against the config file’s folder; point it at the unlabelled images.',
      );
    }
    if (!evaluationData) {
      add(
        datasetNode!,
        'evaluation.data',
        'is missing: an unlabelled pool (data.dataset "pool") has no labels to evaluate on',
        'Add "evaluation": {"data": {"dataset": "folder", "path": "<folder with one subfolder per class>"}}.',
      );
    }
  }
  const evalDatasetNode = node(['evaluation', 'data', 'dataset']);
  const evalDataset = stringAt(evalDatasetNode);
  if (evalDataset && DATASETS_WITH_PATH.has(evalDataset)) {
    const pathNode = node(['evaluation', 'data', 'path']);
    const path = stringAt(pathNode);
    if (path === undefined || path.trim() === '') {
      add(
        pathNode ?? evalDatasetNode!,
        'evaluation.data.path',
        `is missing for dataset "${evalDataset}"`,
        'Set evaluation.data.path to the labelled images (one subfolder per class for "folder").',
      );
    } else if (env?.exists && !env.exists(absolute(path))) {
      add(
        pathNode!,
        'evaluation.data.path',
        `does not exist: ${absolute(path)}`,
        'Relative paths resolve against the config file’s folder; point it at the labelled images.',
      );
    }
  }
  const runNode = node(['pretext', 'initFrom', 'run']);
  const run = stringAt(runNode);
  if (run !== undefined && env?.exists && !env.exists(join(absolute(run), 'config.json'))) {
    add(
      runNode!,
      'pretext.initFrom.run',
      `is not a run folder (no ${join(absolute(run), 'config.json')})`,
      'Point it at a folder in your runs folder (<runsDir>/<name>-<time>).',
    );
  }
};
