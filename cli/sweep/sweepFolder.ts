/**
 * From a `*.sweep.json` to a sweep folder:
 *   <sweepDir>/manifest.json          variants, their values, every submission
 *   <sweepDir>/variants/NNN-name.scalenet.json   one resolved config per variant
 *   <sweepDir>/tasks/N.json           the run folder each variant trains in (written by the task)
 *   <sweepDir>/slurm/array.sbatch     the batch script (Slurm executor)
 *   <sweepDir>/logs/                  task output
 * Generated configs hold absolute paths: they live in another folder than the base config.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import {
  expandSweep,
  SweepError,
  variantConfig,
  type SweepFile,
  type SweepManifest,
  type SweepValue,
  type SweepVariant,
} from '../../sidecar/protocol/sweep';

export const MANIFEST_FILE = 'manifest.json';

export interface LoadedSweep {
  file: string;
  sweep: SweepFile;
  base: Record<string, SweepValue>;
  variants: SweepVariant[];
  runsDir: string;
  sweepDir: string;
}

function readJsonc(file: string, what: string): unknown {
  if (!existsSync(file)) throw new Error(`${what} ${file} does not exist.`);
  const errors: ParseError[] = [];
  const value = parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true }) as unknown;
  if (errors.length > 0) {
    throw new Error(
      `${file}: not valid JSON (${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}).`,
    );
  }
  return value;
}

/** Paths inside a config are relative to the config; made absolute for the variant copies. */
function absolutePaths(
  config: Record<string, SweepValue>,
  from: string,
): Record<string, SweepValue> {
  const copy = structuredClone(config);
  const data = copy.data;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const key of ['path', 'subset']) {
      const value = data[key];
      if (typeof value === 'string' && !isAbsolute(value)) data[key] = resolve(from, value);
    }
  }
  return copy;
}

export function loadSweep(file: string): LoadedSweep {
  const path = resolve(file);
  return loadSweepObject(readJsonc(path, 'Sweep file') as SweepFile, path);
}

/** A sweep given as an object; relative paths in it resolve against `path`'s folder. */
export function loadSweepObject(sweep: SweepFile, path: string): LoadedSweep {
  if (!sweep || typeof sweep !== 'object') {
    throw new Error(`${path}: a sweep file is a JSON object (see schemas/sweep.schema.json).`);
  }
  let base: Record<string, SweepValue>;
  let baseDir = dirname(path);
  if (typeof sweep.base === 'string') {
    const basePath = resolve(dirname(path), sweep.base);
    base = readJsonc(basePath, `${path}: base config`) as Record<string, SweepValue>;
    baseDir = dirname(basePath);
  } else if (sweep.base && typeof sweep.base === 'object') {
    base = sweep.base;
  } else {
    throw new Error(
      `${path}: base: missing. Fix: give a run config path ("../fashion-mnist.scalenet.json") or the config itself.`,
    );
  }
  let variants: SweepVariant[];
  try {
    variants = expandSweep(sweep);
  } catch (error) {
    if (error instanceof SweepError) throw new Error(`${path}: ${error.message}`);
    throw error;
  }
  const runsDir = sweep.runsDir
    ? resolve(dirname(path), sweep.runsDir)
    : resolve(baseDir, typeof base.runsDir === 'string' ? base.runsDir : '.scalenet/runs');
  const sweepDir = sweep.sweepDir
    ? resolve(dirname(path), sweep.sweepDir)
    : join(dirname(runsDir), 'sweeps', sweep.name);
  return { file: path, sweep, base: absolutePaths(base, baseDir), variants, runsDir, sweepDir };
}

export function variantFileName(variant: SweepVariant): string {
  return `${String(variant.index).padStart(3, '0')}-${variant.name}.scalenet.json`;
}

export function readManifest(sweepDir: string): SweepManifest {
  const file = join(sweepDir, MANIFEST_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `${sweepDir} is not a sweep folder (no ${MANIFEST_FILE}). Fix: give the folder that "scalenet sweep FILE" printed, or the *.sweep.json itself.`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
}

export function writeManifest(sweepDir: string, manifest: SweepManifest): void {
  writeFileSync(join(sweepDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * Writes the variant configs and the manifest. An existing manifest keeps its
 * submissions: re-submitting a sweep continues it rather than starting over.
 */
export function prepareSweepFolder(loaded: LoadedSweep): SweepManifest {
  const { sweepDir, sweep, variants } = loaded;
  mkdirSync(join(sweepDir, 'variants'), { recursive: true });
  mkdirSync(join(sweepDir, 'tasks'), { recursive: true });
  mkdirSync(join(sweepDir, 'logs'), { recursive: true });
  const previous = existsSync(join(sweepDir, MANIFEST_FILE)) ? readManifest(sweepDir) : undefined;
  const manifest: SweepManifest = {
    name: sweep.name,
    sweepFile: loaded.file,
    runsDir: loaded.runsDir,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    baseline: sweep.baseline,
    variants: variants.map((v) => ({ ...v, configFile: join('variants', variantFileName(v)) })),
    submissions: previous?.submissions ?? [],
  };
  for (const variant of manifest.variants) {
    const config = variantConfig(sweep.name, loaded.base, variant);
    config.runsDir = loaded.runsDir;
    writeFileSync(join(sweepDir, variant.configFile), JSON.stringify(config, null, 2) + '\n');
  }
  writeManifest(sweepDir, manifest);
  return manifest;
}

/** A sweep folder, or the sweep file that names one. */
export function resolveSweepDir(target: string): string {
  const path = resolve(target);
  return path.endsWith('.json') ? loadSweep(path).sweepDir : path;
}
