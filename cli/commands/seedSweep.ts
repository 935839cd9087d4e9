/**
 * `scalenet sweep <configs…> --seeds 3` (configs, not a *.sweep.json): every config once per seed, one after the
 * other in one sidecar, then the comparison table (mean ± std over seeds), printed and
 * written next to the runs. The same seed picks the same images in every config, so
 * the configs are compared on the same data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'jsonc-parser';
import {
  RunFinishedNotification,
  RunProgressNotification,
  RunStartRequest,
  RunStopRequest,
  RunsListRequest,
  type RunFinishedParams,
} from '../../sidecar/protocol';
import { epochLine } from '../progressView';
import { openSession } from '../sidecarSession';
import { comparisonTable } from './runs';

export interface SeedSweepOptions {
  seeds: number;
  firstSeed: number;
  runsDir?: string;
  verbose?: boolean;
}

export async function seedSweepCommand(
  configs: string[],
  options: SeedSweepOptions,
): Promise<number> {
  const session = await openSession({ verbose: options.verbose });
  let current: string | undefined;
  let stopping = false;
  const onInterrupt = () => {
    stopping = true;
    console.log('\nStopping the sweep after a checkpoint of the current run…');
    if (current)
      void session.connection
        .sendRequest(RunStopRequest.type, { runId: current })
        .catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  const finished = new Map<string, (result: RunFinishedParams) => void>();
  session.connection.onNotification(RunFinishedNotification.type, (p) =>
    finished.get(p.runId)?.(p),
  );
  session.connection.onNotification(RunProgressNotification.type, (p) => {
    if (p.validationAccuracy !== undefined) console.log(`  ${epochLine(p)}`);
  });
  const runDirs: string[] = [];
  let failures = 0;
  try {
    for (const file of configs) {
      const configPath = resolve(file);
      const raw = parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
      for (let i = 0; i < options.seeds && !stopping; i++) {
        const seed = options.firstSeed + i;
        const name = `${typeof raw.name === 'string' ? raw.name : 'run'}-seed${seed}`;
        const started = await session.connection.sendRequest(RunStartRequest.type, {
          configPath,
          config: { ...raw, name, seed },
          runsDir: options.runsDir ? resolve(options.runsDir) : undefined,
        });
        current = started.runId;
        console.log(`${file} seed ${seed} → ${started.runDir}`);
        const result = await Promise.race([
          new Promise<RunFinishedParams>((done) => finished.set(started.runId, done)),
          session.exited,
        ]);
        console.log(`  ${result.status}${result.error ? `: ${result.error.message}` : ''}`);
        if (result.status === 'failed') failures++;
        runDirs.push(started.runDir);
      }
    }
    const runsDir = resolve(runDirs[0] ?? '.', '..');
    const all = await session.connection.sendRequest(RunsListRequest.type, { runsDir });
    const runs = all.filter((r) => runDirs.includes(r.runDir) && r.status === 'completed');
    if (runs.length > 0) {
      const table = comparisonTable(runs);
      console.log(`\n${table}`);
      const out = resolve(runsDir, `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`);
      writeFileSync(out, `${table}\n\nRuns:\n${runDirs.join('\n')}\n`);
      console.log(`\nWritten to ${out}`);
    }
    return stopping ? 130 : failures > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    await session.close();
  }
}
