/**
 * The run folder a `run/start` trains in, opened for this process: a new one (created
 * atomically, never shared with a simultaneous start) or the one a resume names (its
 * stored config checked like a config file), locked either way so that no other process
 * trains the same run. Nothing here blocks the event loop on a client-given path.
 */
import { ConfigError } from '../config/configError';
import type { RunStartParams, ScaleNetConfig } from '../protocol';
import { acquireRunLock, type RunLock } from './runLock';
import { createRunDir, readRunConfigAsync } from './runStore';

export interface OpenedRun {
  runDir: string;
  config: ScaleNetConfig;
  lock: RunLock;
}

/** `fresh` loads and checks the client's config for a new run and says where runs go. */
export async function openRunFolder(
  params: Pick<RunStartParams, 'resume' | 'configPath'>,
  fresh: () => { config: ScaleNetConfig; runsDir: string },
  log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Promise<OpenedRun> {
  if (params.resume) {
    const runDir = params.resume;
    const config = await readRunConfigAsync(runDir);
    return { runDir, config, lock: await acquireRunLock(runDir, log) };
  }
  const { config, runsDir } = fresh();
  let runDir: string;
  try {
    runDir = await createRunDir(runsDir, config);
  } catch (error) {
    throw new ConfigError(
      params.configPath,
      'runsDir',
      `cannot create a run folder in ${runsDir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'Set runsDir (or the scalenet.runsDir setting) to a folder you can write to.',
    );
  }
  return { runDir, config, lock: await acquireRunLock(runDir, log) };
}
