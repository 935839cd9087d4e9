/** `gradcam/models`: the pretext checkpoints and kept classifiers of a run folder. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../data/errors';
import { listClassifiers, readClassifierInfo } from '../runs/classifierStore';
import type { GradcamModelsParams, GradcamModelsResult } from '../protocol';
import { CHECKPOINTS_DIR, CONFIG_FILE } from '../runs/runStore';
import { isAtomicLeftover } from '../util/atomicWrite';

export function runModels(params: GradcamModelsParams): GradcamModelsResult {
  const { runDir } = params;
  if (typeof runDir !== 'string' || !existsSync(join(runDir, CONFIG_FILE))) {
    throw new DataError(String(runDir), `has no ${CONFIG_FILE}`, 'Give the folder of a run');
  }
  const root = join(runDir, CHECKPOINTS_DIR);
  const checkpoints = existsSync(root)
    ? readdirSync(root)
        .filter((name) => !isAtomicLeftover(name))
        .sort()
    : [];
  const classifiers = listClassifiers(runDir).map((labels) => {
    const info = readClassifierInfo(runDir, labels);
    return {
      labels,
      classNames: info.classNames,
      testAccuracy: info.testAccuracy,
      inputSize: info.inputSize,
    };
  });
  return { checkpoints, classifiers };
}
