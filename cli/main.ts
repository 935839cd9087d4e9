/**
 * `scalenet`: the headless face of the extension. Every command runs the same sidecar
 * through the same JSON-RPC contract as VS Code does.
 */
import { Command, Option } from 'commander';
import manifest from '../package.json';
import { gradcamCommand, parseTarget, type GradcamOptions } from './commands/gradcam';
import { embedCommand, type EmbedOptions } from './commands/embed';
import { exportCommand, type ExportOptions } from './commands/export';
import { harrisCommand, type HarrisOptions } from './commands/harris';
import { predictCommand, type PredictOptions } from './commands/predict';
import { infoCommand } from './commands/info';
import { parseInteger, parseNumber, parseNumberList } from './commands/inspectOutput';
import { previewCommand, type PreviewOptions } from './commands/preview';
import { trainCommand, type TrainOptions } from './commands/train';
import { compareCommand, DEFAULT_RUNS_DIR, runsCommand } from './commands/runs';
import { sweepCommand, type SweepOptions } from './commands/sweep';
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

program
  .command('harris')
  .description(
    'write Harris images, corner masks and overlays (PNG) and corners.json for images or a config',
  )
  .argument('<inputs...>', 'PNG/JPEG files or folders, or one *.scalenet.json config')
  .requiredOption('--out <dir>', 'output folder')
  .option(
    '--block-size <n>',
    'neighbourhood summed in the structure tensor (default 2)',
    parseInteger,
  )
  .option('--ksize <n>', 'Sobel aperture: 1, 3, 5 or 7 (default 3)', parseInteger)
  .option('--k <x>', 'Harris free parameter in det - k*trace^2 (default 0.04)', parseNumber)
  .option(
    '--threshold <x>',
    'corners: response > threshold x max response (default 0.01)',
    parseNumber,
  )
  .option('--count <n>', 'config: how many pretext images (default 16)', parseInteger)
  .option('--scales <list>', 'alphas, e.g. 0.5,1 (default 1)', parseNumberList)
  .addOption(new Option('--split <split>', 'config: which split').choices(['train', 'test']))
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (inputs: string[], options: HarrisOptions) => {
    process.exitCode = await harrisCommand(inputs, options);
  });

program
  .command('preview')
  .description('write a PNG grid of what the network sees: images x (scale, input mode)')
  .argument('<config>', 'the run config, e.g. examples/fashion-mnist.scalenet.json')
  .requiredOption('--out <dir>', 'output folder (preview.png, preview.json)')
  .option('--count <n>', 'rows: pretext images (default 8)', parseInteger)
  .option(
    '--zoom <n>',
    'cell side = image side x zoom (default: cells of at least 64 px)',
    parseInteger,
  )
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (config: string, options: PreviewOptions) => {
    process.exitCode = await previewCommand(config, options);
  });

program
  .command('gradcam')
  .description(
    'write Grad-CAM overlays (PNG) and raw maps (cams.json) of runs for a few images, or one Fig. 3 grid',
  )
  .argument('<runs...>', 'run folders, e.g. .scalenet/runs/fashion-rotnet-20261129-220432')
  .requiredOption('--images <items...>', 'dataset indices (0,5,9) or PNG/JPEG files')
  .option('--out <dir>', 'output folder for overlays and cams.json (one folder per run)')
  .option('--grid <file>', 'one PNG: rows = runs per image, columns = input + stages')
  .option(
    '--zoom <n>',
    'grid tile = input side x zoom (default: tiles of at least 64 px)',
    parseInteger,
  )
  .option('--stages <list>', 'named outputs, e.g. stage1,stage2 (default: all)', (v) =>
    v.split(','),
  )
  .addOption(new Option('--method <name>', 'default gradcam').choices(['gradcam', 'gradcam++']))
  .addOption(
    new Option('--model <kind>', 'the pretext head (default) or the fine-tuned classifier').choices(
      ['pretext', 'classifier'],
    ),
  )
  .option('--labels <n>', 'classifier: its label budget (default: the largest kept)', parseInteger)
  .option('--class <name>', 'explain this class (name or index) for every image')
  .option('--target <t>', 'predicted (default), a class index, or rotation:0..3', parseTarget)
  .option('--checkpoint <name>', 'checkpoint folder, e.g. stage1 (default: the last stage)')
  .option('--scale <alpha>', "input scale (default: the checkpoint's stage)", parseNumber)
  .addOption(
    new Option('--split <split>', 'dataset images: which split (default test)').choices([
      'train',
      'test',
    ]),
  )
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (runs: string[], options: GradcamOptions) => {
    process.exitCode = await gradcamCommand(runs, options);
  });

const splitOption = () =>
  new Option(
    '--split <split>',
    "the run's own images instead: test = the images it evaluated on, train = its pretext subset",
  ).choices(['train', 'test']);

program
  .command('embed')
  .description("write a run trunk's pooled features (.npy) and the images' names and labels (.csv)")
  .argument('<run>', 'a run folder')
  .argument(
    '[images...]',
    'PNG/JPEG files or folders (a class-named parent folder gives the label)',
  )
  .requiredOption('--out <file>', 'the .npy to write (the .csv goes beside it)')
  .option('--stage <n>', 'stage number or layer name (default: the last stage)')
  .addOption(splitOption())
  .option('--all', 'with --split: every image of the split')
  .option('--checkpoint <name>', 'checkpoint folder, e.g. stage1 (default: the last stage)')
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (run: string, images: string[], options: EmbedOptions) => {
    process.exitCode = await embedCommand(run, images, options);
  });

program
  .command('export')
  .description(
    'write the trunk and fine-tuned classifiers as TF.js folders and safetensors + layers JSON',
  )
  .argument('<run>', 'a run folder')
  .option('--out <dir>', 'output folder (default: <run>/export)')
  .option('--checkpoint <name>', 'checkpoint folder, e.g. stage1 (default: the last stage)')
  .option('--no-classifiers', 'the trunk only')
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (run: string, options: ExportOptions) => {
    process.exitCode = await exportCommand(run, options);
  });

program
  .command('predict')
  .description("classify images with a run's fine-tuned classifier, probabilities to a CSV")
  .argument('<run>', 'a run folder')
  .argument(
    '[images...]',
    'PNG/JPEG files or folders (a class-named parent folder gives the label)',
  )
  .requiredOption('--out <file>', 'the CSV to write')
  .option('--labels <n>', "the classifier's label budget (default: the largest kept)", parseInteger)
  .addOption(splitOption())
  .option('--all', 'with --split: every image of the split')
  .addOption(backendOption())
  .option('--verbose', 'print the sidecar log')
  .action(async (run: string, images: string[], options: PredictOptions) => {
    process.exitCode = await predictCommand(run, images, options);
  });

program
  .command('runs')
  .description('list the runs of a runs folder with status and pretext accuracy')
  .option('--runs-dir <dir>', 'the runs folder', DEFAULT_RUNS_DIR)
  .action(async (options: { runsDir: string }) => {
    process.exitCode = await runsCommand(options);
  });

program
  .command('compare')
  .description("compare completed runs like the paper's Table 3: mean ± std over seeds")
  .argument('[runs...]', 'run folders or ids (default: every completed run)')
  .option('--runs-dir <dir>', 'the runs folder', DEFAULT_RUNS_DIR)
  .action(async (runs: string[], options: { runsDir: string }) => {
    process.exitCode = await compareCommand(runs, options);
  });

program
  .command('sweep')
  .description('train each config once per seed, then print and save the comparison table')
  .argument('<configs...>', 'run configs to compare, e.g. a RotNet and a ScaleNet config')
  .option('--seeds <n>', 'seeds per config', (v) => Number.parseInt(v, 10), 3)
  .option('--first-seed <n>', 'the first seed', (v) => Number.parseInt(v, 10), 1)
  .option('--runs-dir <dir>', "where run folders go (default: each config's runsDir)")
  .option('--verbose', 'print the sidecar log')
  .action(async (configs: string[], options: SweepOptions) => {
    process.exitCode = await sweepCommand(configs, options);
  });

program.parseAsync().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
