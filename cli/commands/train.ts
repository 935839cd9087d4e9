/**
 * `scalenet train <config>`: one run through the sidecar, the same way the extension
 * runs it. Ctrl-C asks the run to stop (it writes a checkpoint first); a second
 * Ctrl-C leaves at once. Exit code: 0 completed, 130 stopped, 1 failed.
 */
import { resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import {
  RunFinishedNotification,
  RunProgressNotification,
  RunStartRequest,
  RunStopRequest,
  type BackendPreference,
  type ErrorData,
  type RunFinishedParams,
  failureText,
  resultLines,
} from '../../sidecar/protocol';
import { ProgressView } from '../progressView';
import { openSession } from '../sidecarSession';

export interface TrainOptions {
  backend?: BackendPreference;
  runsDir?: string;
  resume?: string;
  verbose?: boolean;
}

function printResult(result: RunFinishedParams): void {
  console.log(`Run ${result.runId}: ${result.status} (${result.runDir})`);
  for (const [metric, value] of Object.entries(result.metrics).sort()) {
    console.log(`  ${metric.padEnd(28)} ${Number.isInteger(value) ? value : value.toFixed(4)}`);
  }
  const results = resultLines(result.metrics);
  if (results.length > 0) {
    console.log('Results:');
    for (const line of results) {
      console.log(`  ${line.label.padEnd(30)} ${(line.value * 100).toFixed(2)}%`);
    }
  }
  if (result.error) {
    console.error(`Error (${result.error.code}): ${failureText(result.error)}`);
  }
  if (result.status === 'stopped') {
    console.log(`Resume with: scalenet train --resume ${result.runDir}`);
  }
}

export async function trainCommand(
  configPath: string | undefined,
  options: TrainOptions,
): Promise<number> {
  if (!configPath && !options.resume) {
    console.error(
      'Give a config file (scalenet train examples/fashion-mnist.scalenet.json) or --resume <run folder>.',
    );
    return 2;
  }
  // Failed unless the run says otherwise: should Node ever exit before this command
  // returns (an event loop left empty), the exit code is still not a success.
  process.exitCode = 1;
  const session = await openSession(options);
  console.log(`Backend: ${session.info.backend.label}`);
  const view = new ProgressView(Boolean(process.stdout.isTTY));
  const finished = new Promise<RunFinishedParams>((done) =>
    session.connection.onNotification(RunFinishedNotification.type, done),
  );
  session.connection.onNotification(RunProgressNotification.type, (p) => view.update(p));
  try {
    const started = await session.connection.sendRequest(RunStartRequest.type, {
      configPath: resolve(configPath ?? options.resume ?? '.'),
      runsDir: options.runsDir ? resolve(options.runsDir) : undefined,
      resume: options.resume ? resolve(options.resume) : undefined,
    });
    console.log(`Run ${started.runId} → ${started.runDir}`);
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts++;
      view.freeze();
      if (interrupts > 1) process.exit(130);
      console.log(
        '\nStopping at the next batch and writing a checkpoint… (Ctrl-C again to quit now)',
      );
      session.connection
        .sendRequest(RunStopRequest.type, { runId: started.runId })
        .catch(() => undefined);
    };
    process.on('SIGINT', onInterrupt);
    const result = await Promise.race([finished, session.exited]);
    process.off('SIGINT', onInterrupt);
    view.stopBar();
    printResult(result);
    return result.status === 'completed' ? 0 : result.status === 'stopped' ? 130 : 1;
  } catch (error) {
    view.stopBar();
    if (error instanceof ResponseError && error.data) {
      const data = error.data as ErrorData;
      console.error(
        `Config error in ${data.file}${data.field ? ` at ${data.field}` : ''}:\n  ${error.message}`,
      );
    } else {
      console.error((error as Error).message);
    }
    return 1;
  } finally {
    await session.close();
  }
}
