/**
 * Reading run folders for the panels: the runs folder from the settings, metrics.jsonl
 * as chart history, and a run's named stages from its config. Only the documented run
 * format (DESIGN.md: run store) is read here; sidecar code is not imported.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { MetricPoint, RunSeries, StageLength } from '../../webview/protocol';

/** The runs folder of the first workspace folder (setting `scalenet.runsDir`). */
export function defaultRunsDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const setting = vscode.workspace
    .getConfiguration('scalenet', folder?.uri)
    .get<string>('runsDir', '.scalenet/runs');
  if (isAbsolute(setting)) return setting;
  return folder ? join(folder.uri.fsPath, setting) : undefined;
}

interface MetricLine {
  run: string;
  stage: number;
  epoch: number;
  step: number;
  metric: string;
  value: number;
  time: string;
}

/** A run's metrics.jsonl as chart points (a torn last line from a crash is skipped). */
export function readHistory(runDir: string): RunSeries {
  const file = join(runDir, 'metrics.jsonl');
  const points: MetricPoint[] = [];
  let runId = basename(runDir);
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const m = JSON.parse(line) as MetricLine;
        runId = m.run;
        points.push({
          stage: m.stage,
          step: m.step,
          epoch: m.epoch,
          metric: m.metric,
          value: m.value,
          time: Date.parse(m.time),
        });
      } catch {
        // Half a line from a killed process: the lines before it are whole.
      }
    }
  }
  return { runId, label: basename(runDir), points, stages: stageLengths(runDir) };
}

interface RunConfigFile {
  method?: string;
  model?: { arch?: string; blocks?: number[]; ninBlocks?: number };
  pretext?: { scales?: number[]; epochs?: number[] };
}

function readRunConfig(runDir: string): RunConfigFile {
  try {
    return JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as RunConfigFile;
  } catch {
    return {};
  }
}

/** Scales from the config, for the stage marks; steps 0 = learnt from the points. */
function stageLengths(runDir: string): StageLength[] {
  const { pretext } = readRunConfig(runDir);
  return (pretext?.scales ?? []).map((scale, stage) => ({ stage, scale, steps: 0, epochs: 0 }));
}

/** The `stage*`/`block*` outputs the builders give the run's architecture. */
export function namedStages(runDir: string): { stages: string[]; method: string } {
  const config = readRunConfig(runDir);
  const arch = config.model?.arch ?? 'resnet';
  const count =
    arch === 'resnet'
      ? (config.model?.blocks?.length ?? 3)
      : arch === 'nin'
        ? (config.model?.ninBlocks ?? 4)
        : arch === 'alexnet'
          ? 5
          : 4;
  const prefix = arch === 'nin' || arch === 'alexnet' ? 'block' : 'stage';
  return {
    stages: Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`),
    method: config.method ?? 'rotnet',
  };
}

/** Run folders (those with a config.json) under runsDir, newest first, at most `max`. */
export function listRunDirs(runsDir: string | undefined, max: number): string[] {
  if (!runsDir || !existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runsDir, d.name, 'config.json')))
    .map((d) => join(runsDir, d.name))
    .sort()
    .reverse()
    .slice(0, max);
}

/** Whether a folder is a run folder (the CLI and the sidecar write config.json first). */
export function isRunDir(path: string): boolean {
  return existsSync(join(path, 'config.json')) && existsSync(join(path, 'checkpoints'));
}
