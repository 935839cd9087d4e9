/**
 * `scalenet`: the headless face of the extension. Every command runs the same sidecar
 * through the same JSON-RPC contract as VS Code does.
 */
import { Command, Option } from 'commander';
import manifest from '../package.json';
import { infoCommand } from './commands/info';
import { trainCommand, type TrainOptions } from './commands/train';
import type { BackendPreference } from '../sidecar/protocol';

const backendOption = () =>
  new Option('--backend <name>', 'force a compute backend').choices([
    'auto',
    'tensorflow',
    'wasm',
    'cpu',
  ]);

const program = new Command()
  .name('scalenet')
  .description(
    'Self-supervised representation learning for few labelled images (ScaleNet, RotNet).',
  )
  .version(manifest.version)
  .showHelpAfterError();

program
  .command('info')
  .description('show versions, the compute backend in use and why the others were not used')
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (options: { backend?: BackendPreference; verbose?: boolean }) => {
    process.exitCode = await infoCommand(options);
  });

program
  .command('train')
  .description('train a *.scalenet.json config (Ctrl-C stops with a checkpoint)')
  .argument('[config]', 'the run config, e.g. examples/fashion-mnist.scalenet.json')
  .option('--resume <runDir>', 'continue a run folder from its last checkpoint')
  .option(
    '--runs-dir <dir>',
    "where run folders go (default: the config's runsDir, relative to the config)",
  )
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (config: string | undefined, options: TrainOptions) => {
    process.exitCode = await trainCommand(config, options);
  });

program.parseAsync().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
