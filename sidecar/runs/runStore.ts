/**
 * Writing and reading run folders. Their layout and records are a published contract
 * (protocol/runStore.ts, protocol/metricsLog.ts), shared with the CLI and the extension;
 * while a process trains a run, run.lock holds its pid (runLock.ts).
 */
import {
  appendFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/configError';
import { resolveConfig } from '../config/resolveConfig';
import type { ScaleNetConfig } from '../protocol';
import { parseMetricsLog } from '../protocol/metricsLog';
import {
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  isRunFolder,
  METRICS_FILE,
  SUMMARY_FILE,
  type MetricRecord,
  type RunSummary,
} from '../protocol/runStore';
import { writeFileAtomic } from '../util/atomicWrite';

export {
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  METRICS_FILE,
  SUBSET_FILE,
  SUMMARY_FILE,
  type MetricRecord,
  type RunSummary,
} from '../protocol/runStore';

function timestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  );
}

/**
 * `mkdir -p` one level at a time. Node's own `recursive: true` never returns under
 * /proc (mkdir there answers ENOENT for a parent that exists, and it retries forever);
 * here a level that cannot be made after its parent exists is an error.
 */
async function makeFolders(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw error;
    }
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  await makeFolders(dirname(dir));
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Suffixes tried after `<name>-<time>` before giving up (18 starts in one second need 18). */
const MAX_SUFFIX = 1000;

/**
 * Creates a new, unique run folder and writes the resolved config into it. The leaf is
 * made with a plain mkdir, which fails with EEXIST when another process made the same
 * name first, so simultaneous starts each get their own folder (`-2`, `-3`, …). Async:
 * a client-given runsDir (e.g. under /proc) must not block the event loop.
 */
export async function createRunDir(
  runsDir: string,
  config: ScaleNetConfig,
  now = new Date(),
): Promise<string> {
  await makeFolders(runsDir);
  const base = `${config.name}-${timestamp(now)}`;
  let dir: string | undefined;
  for (let n = 1; !dir; n++) {
    const candidate = join(runsDir, n === 1 ? base : `${base}-${n}`);
    try {
      await mkdir(candidate);
      dir = candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= MAX_SUFFIX) throw error;
    }
  }
  await mkdir(join(dir, CHECKPOINTS_DIR));
  // Same folder, so the rename is atomic: listRuns never sees a half-written config.
  const temp = join(dir, `.${CONFIG_FILE}.tmp-${process.pid}`);
  try {
    await writeFile(temp, JSON.stringify(config, null, 2) + '\n');
    await rename(temp, join(dir, CONFIG_FILE));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return dir;
}

/**
 * The config stored in a run folder, checked as a config file is: a run folder whose
 * config.json was edited into something else is a ConfigError naming that file.
 */
export function readRunConfig(runDir: string): ScaleNetConfig {
  const file = join(runDir, CONFIG_FILE);
  return checkRunConfig(
    readConfigText(file, () => readFileSync(file, 'utf8')),
    file,
  );
}

/** readRunConfig without blocking: for a run folder a client names (resume). */
export async function readRunConfigAsync(runDir: string): Promise<ScaleNetConfig> {
  const file = join(runDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  return checkRunConfig(text, file);
}

function readConfigText(file: string, read: () => string): string {
  try {
    return read();
  } catch (error) {
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): ConfigError {
  return new ConfigError(
    file,
    '',
    `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    'Resume a run folder made by ScaleNet (it holds config.json), or start a new run.',
  );
}

function checkRunConfig(text: string, file: string): ScaleNetConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      file,
      '',
      `is not JSON (${(error as Error).message})`,
      'Restore the config.json ScaleNet wrote into the run folder, or start a new run.',
    );
  }
  // The stored config is already resolved (absolute paths); resolving it again checks it.
  return resolveConfig(raw, file);
}

/** Appends metric lines; each append is one write, so a crash loses at most the last line. */
export class MetricsLog {
  private bytes: number;
  private lastPosition: { stage: number; step: number } | undefined;

  constructor(
    private readonly file: string,
    private readonly runId: string,
  ) {
    this.bytes = existsSync(file) ? dropTornTail(file) : 0;
  }

  /** The file's length so far: stored with a checkpoint, so a resume can cut back to it. */
  get length(): number {
    return this.bytes;
  }

  /**
   * A per-step record of running means (what a progress report sent to the charts said),
   * unless the log has already passed its position: a report held back by the progress
   * throttle can be sent after its epoch's own record, and would read as a step back.
   */
  appendStep(stage: number, epoch: number, step: number, values: Record<string, number>): void {
    const last = this.lastPosition;
    if (last && (stage < last.stage || (stage === last.stage && step < last.step))) return;
    this.append(stage, epoch, step, values);
  }

  append(stage: number, epoch: number, step: number, values: Record<string, number>): void {
    this.lastPosition = { stage, step };
    const time = new Date().toISOString();
    const lines = Object.entries(values).map(([metric, value]) =>
      JSON.stringify({
        run: this.runId,
        stage,
        epoch,
        step,
        metric,
        value,
        time,
      } satisfies MetricRecord),
    );
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    appendFileSync(this.file, text);
    this.bytes += Buffer.byteLength(text);
  }
}

/**
 * A killed writer can leave half a line at the end; appending to it would glue the next
 * record onto it and lose both. Cuts the file back to its last whole line; its length.
 */
function dropTornTail(file: string): number {
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) truncateSync(file, end);
  return end;
}

/**
 * Before a resume: metrics.jsonl back to what it held when the checkpoint was written,
 * so the epochs the resumed run redoes are logged once, not twice. Runs from before
 * `metricsBytes` existed are rewritten to one record per key instead.
 */
export function truncateMetricsToCheckpoint(runDir: string, summary: RunSummary | undefined): void {
  const file = join(runDir, METRICS_FILE);
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  // No checkpoint: the resumed run starts over, so none of the old records stay.
  const keep = summary?.latestCheckpoint ? summary.metricsBytes : 0;
  if (keep !== undefined) {
    if (keep < size) truncateSync(file, keep);
    return;
  }
  const records = parseMetricsLog(readFileSync(file, 'utf8'));
  writeFileAtomic(
    file,
    records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''),
  );
}

/** Reads metrics.jsonl: one record per key (the last), a torn last line skipped. */
export function readMetrics(runDir: string): MetricRecord[] {
  const file = join(runDir, METRICS_FILE);
  if (!existsSync(file)) return [];
  return parseMetricsLog(readFileSync(file, 'utf8'));
}

export function writeSummary(runDir: string, summary: RunSummary): void {
  writeFileAtomic(join(runDir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
}

export function readSummary(runDir: string): RunSummary | undefined {
  const file = join(runDir, SUMMARY_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

/** Run folders under runsDir, newest first. */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && isRunFolder(join(runsDir, d.name)))
    .map((d) => join(runsDir, d.name))
    .sort()
    .reverse();
}
