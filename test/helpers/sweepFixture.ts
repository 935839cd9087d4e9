/** A finished sweep folder with known accuracies (no training): for report and view tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepManifest } from '../../sidecar/protocol/sweep';
import { tempDir } from './sidecar';

/** A sweep folder of 2 methods x 2 input modes x 3 seeds with known accuracies. */
export function fixtureSweep(): {
  dir: string;
  accuracy: (m: string, input: string, seed: number) => number;
} {
  const dir = tempDir('report');
  const accuracy = (m: string, input: string, seed: number) =>
    0.5 +
    (m === 'scalenet' ? 0.05 : 0) +
    (input === 'harris' ? 0.02 : 0) +
    seed / 100 +
    (m === 'scalenet' ? seed / 1000 : 0);
  const variants: SweepManifest['variants'] = [];
  mkdirSync(join(dir, 'tasks'), { recursive: true });
  for (const method of ['rotnet', 'scalenet']) {
    for (const input of ['original', 'harris']) {
      for (const seed of [1, 2, 3]) {
        const index = variants.length;
        const name = `${method}-${input}-seed${seed}`;
        variants.push({
          index,
          name,
          values: { method, 'data.inputMode': input, seed },
          configFile: `variants/${name}.json`,
        });
        const runDir = join(dir, 'runs', name);
        mkdirSync(runDir, { recursive: true });
        const acc = accuracy(method, input, seed);
        writeFileSync(
          join(runDir, 'config.json'),
          JSON.stringify({
            name,
            seed,
            method,
            data: { inputMode: input },
            pretext: { scales: method === 'rotnet' ? [1] : [0.5, 1] },
          }),
        );
        writeFileSync(
          join(runDir, 'summary.json'),
          JSON.stringify({
            status: 'completed',
            metrics: { 'pretext/accuracy': acc, 'finetune@400/accuracy': acc - 0.1 },
          }),
        );
        writeFileSync(
          join(runDir, 'metrics.jsonl'),
          [1, 2, 3]
            .map((epoch) =>
              JSON.stringify({
                stage: 0,
                epoch,
                step: 1,
                metric: 'pretext/accuracy',
                value: (acc * epoch) / 3,
              }),
            )
            .join('\n') + '\n',
        );
        writeFileSync(
          join(dir, 'tasks', `${index}.json`),
          JSON.stringify({ runDir, startedAt: '', host: '' }),
        );
      }
    }
  }
  const manifest: SweepManifest = {
    name: 'fixture',
    sweepFile: join(dir, 'fixture.sweep.json'),
    runsDir: join(dir, 'runs'),
    createdAt: '',
    baseline: { method: 'rotnet' },
    variants,
    submissions: [],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, accuracy };
}
