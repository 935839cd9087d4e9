/**
 * The `sweep` command family: `sweep FILE.sweep.json` (run or submit), `sweep status`,
 * `sweep cancel`, and `sweep task` (one variant: what local workers and Slurm array
 * tasks run). `sweep CONFIGS… --seeds N` keeps the older consecutive-seed sweep.
 */
import { Command, Option } from 'commander';
import { parseInteger } from './commands/inspectOutput';
import { seedSweepCommand } from './commands/seedSweep';
import {
  sweepCancelCommand,
  sweepRunCommand,
  sweepStatusCommand,
  type SweepRunOptions,
} from './commands/sweep';
import { reportCommand } from './commands/report';
import { runSweepTask } from './sweep/runTask';

interface SweepCliOptions extends SweepRunOptions {
  seeds?: number;
  firstSeed: number;
  runsDir?: string;
  verbose?: boolean;
}

export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command('sweep')
    .description(
      'run a *.sweep.json here or as a Slurm job array (again: only what has not completed)',
    )
    .argument('<files...>', 'a *.sweep.json (or run configs with --seeds N)')
    .option('--dry-run', 'print the variants and their count; run nothing')
    .option('--json', 'with --dry-run: print the variants as JSON')
    .addOption(
      new Option('--executor <name>', 'where variants run (default local)').choices([
        'local',
        'slurm',
      ]),
    )
    .option(
      '--parallel <n>',
      "local: variants at a time (default: the file's local.parallel, else 1)",
      parseInteger,
    )
    .option('--only <list>', 'only these variant indices, e.g. 0,5', (v) =>
      v.split(',').map(parseInteger),
    )
    .option('--partition <name>', 'slurm: partition')
    .option('--account <name>', 'slurm: account')
    .option('--time <limit>', 'slurm: time limit per task, e.g. 00:30:00')
    .option('--max-parallel <k>', 'slurm: array tasks at once (--array=…%K)', parseInteger)
    .option('--signal-seconds <s>', 'slurm: checkpoint this long before the limit', parseInteger)
    .option('--seeds <n>', 'configs only: seeds per config (consecutive)', parseInteger)
    .option('--first-seed <n>', 'configs only: the first seed', parseInteger, 1)
    .option('--runs-dir <dir>', "configs only: where run folders go (default: each config's)")
    .option('--verbose', 'configs only: print the sidecar log')
    .action(async (files: string[], options: SweepCliOptions) => {
      if (files.length === 1 && files[0].endsWith('.sweep.json')) {
        process.exitCode = await sweepRunCommand(files[0], options);
        return;
      }
      if (files.some((f) => f.endsWith('.sweep.json'))) {
        console.error('Give one *.sweep.json at a time.');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await seedSweepCommand(files, { ...options, seeds: options.seeds ?? 3 });
    });

  sweep
    .command('status')
    .description("each variant's state: Slurm's (squeue, scontrol, sacct) joined with its run's")
    .argument('<sweep>', 'the *.sweep.json or its sweep folder')
    .option('--json', 'print JSON')
    .action((target: string, options: { json?: boolean }) => {
      // `sweep` has a --json of its own (for --dry-run), which takes the flag first.
      const json = options.json ?? sweep.opts<{ json?: boolean }>().json;
      process.exitCode = sweepStatusCommand(target, { json });
    });

  sweep
    .command('cancel')
    .description('checkpoint and cancel the queued and running Slurm tasks of a sweep')
    .argument('<sweep>', 'the *.sweep.json or its sweep folder')
    .option('--variant <i...>', 'only these variants', (v, prev: number[] = []) => [
      ...prev,
      parseInteger(v),
    ])
    .option('--grace <s>', 'seconds to wait for checkpoints before scancel (60)', parseInteger)
    .action(async (target: string, options: { variant?: number[]; grace?: number }) => {
      process.exitCode = await sweepCancelCommand(target, options);
    });

  sweep
    .command('task', { hidden: true })
    .description('train one variant of a sweep folder (what executors run)')
    .argument('<sweepDir>')
    .argument('<index>', 'variant index', parseInteger)
    .action(async (sweepDir: string, index: number) => {
      process.exitCode = await runSweepTask(sweepDir, index);
    });

  program
    .command('report')
    .description(
      "write report.md and PNG charts of a sweep's runs: the paper's table, CIs, verdicts",
    )
    .argument('<sweep>', 'the *.sweep.json or its sweep folder')
    .option('--out <dir>', 'the report folder (default <sweep folder>/report)')
    .option('--no-charts', 'tables only')
    .action(async (target: string, options: { out?: string; charts?: boolean }) => {
      process.exitCode = await reportCommand(target, options);
    });
}
