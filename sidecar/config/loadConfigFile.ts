/**
 * A config as every sidecar request reads it: the client's JSON when it sent one (an
 * unsaved editor), else the file; resolved and checked; its paths made absolute against
 * the config's folder, so the copy kept in a run folder works from anywhere.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ScaleNetConfig } from '../protocol';
import { ConfigError } from './configError';
import { parseConfigText, resolveConfig } from './resolveConfig';

function unreadable(configPath: string, error: unknown): ConfigError {
  return new ConfigError(
    configPath,
    '',
    `cannot be read (${(error as Error).message})`,
    'Check the path of the config file.',
  );
}

export function loadConfigFile(configPath: string, raw?: unknown): ScaleNetConfig {
  if (raw === undefined) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      throw unreadable(configPath, error);
    }
    raw = parseConfigText(text, configPath);
  }
  return resolveLoaded(configPath, raw);
}

/**
 * The same, reading the file without blocking the event loop: request handlers use it,
 * since a client-given path can be one whose read never returns (a FIFO, a /proc file).
 */
export async function loadConfigFileAsync(
  configPath: string,
  raw?: unknown,
): Promise<ScaleNetConfig> {
  if (raw === undefined) {
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch (error) {
      throw unreadable(configPath, error);
    }
    raw = parseConfigText(text, configPath);
  }
  return resolveLoaded(configPath, raw);
}

function resolveLoaded(configPath: string, raw: unknown): ScaleNetConfig {
  const config = resolveConfig(raw, configPath);
  const base = dirname(configPath);
  if (config.data.path) config.data.path = resolve(base, config.data.path);
  if (config.data.subset) config.data.subset = resolve(base, config.data.subset);
  const evaluationData = config.evaluation.data;
  if (evaluationData?.path) evaluationData.path = resolve(base, evaluationData.path);
  const initFrom = config.pretext.initFrom;
  if (initFrom) initFrom.run = resolve(base, initFrom.run);
  return config;
}
