/**
 * "ScaleNet: Install GPU Backend": tfjs-node-gpu cannot ship inside the extension (its
 * install downloads libtensorflow for the user's platform), so it is installed with npm
 * into the extension's storage, where the sidecar looks for it
 * (SCALENET_TFJS_NODE_GPU_DIR, set by SidecarClient to the same folder). Then the sidecar
 * restarts and the user learns whether it loaded, and if not the sidecar's reason.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import treeKill from 'tree-kill';
import type { SidecarClient } from '../supervisor/client';

export const TFJS_NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu@4.22.0';

/** Must match the folder SidecarClient passes as SCALENET_TFJS_NODE_GPU_DIR. */
export function gpuBackendDir(context: vscode.ExtensionContext): string {
  return join(context.globalStorageUri.fsPath, 'tfjs-node-gpu');
}

const REQUIREMENTS =
  'tfjs-node-gpu 4.22 runs libtensorflow 2.9.1, which needs an NVIDIA driver with CUDA 11.2 and cuDNN 8.1 libraries (CUDA 12 alone is not enough: install the CUDA 11 runtime libraries beside it). Without a GPU it still runs, on CPU TensorFlow. The install downloads about 400 MB (npm and libtensorflow) into the extension’s storage; the sidecar then restarts.';

export async function installGpuBackend(
  context: vscode.ExtensionContext,
  client: SidecarClient,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const install = 'Install';
  const answer = await vscode.window.showInformationMessage(
    'Install the CUDA backend (tfjs-node-gpu)?',
    { modal: true, detail: REQUIREMENTS },
    install,
  );
  if (answer !== install) return;
  const dir = gpuBackendDir(context);
  await mkdir(dir, { recursive: true });
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'ScaleNet: installing tfjs-node-gpu',
      cancellable: true,
    },
    (progress, token) => runNpm(dir, log, progress, token),
  );
  if (outcome === 'cancelled') {
    void vscode.window.showInformationMessage('ScaleNet: GPU backend install cancelled.');
    return;
  }
  if (outcome !== 'ok') {
    const showLog = 'Show Log';
    const picked = await vscode.window.showErrorMessage(
      `ScaleNet: npm could not install tfjs-node-gpu (${outcome}).`,
      showLog,
    );
    if (picked === showLog) log.show();
    return;
  }
  await reportAfterRestart(client, log);
}

/** 'ok', 'cancelled', or why npm failed. */
type NpmOutcome = string;

function runNpm(
  dir: string,
  log: vscode.LogOutputChannel,
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<NpmOutcome> {
  const args = ['install', TFJS_NODE_GPU_PACKAGE, '--prefix', dir, '--no-audit', '--no-fund'];
  log.info(`Running npm ${args.join(' ')}`);
  progress.report({ message: 'running npm install…' });
  return new Promise((resolve) => {
    // npm is a .cmd on Windows, which only a shell runs.
    const child = spawn('npm', args, { cwd: dir, shell: process.platform === 'win32' });
    let cancelled = false;
    const cancel = token.onCancellationRequested(() => {
      cancelled = true;
      if (child.pid !== undefined) treeKill(child.pid);
    });
    const forward = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split(/\r?\n/);
        rest = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim() !== '')) {
          log.info(`[npm] ${line}`);
          progress.report({ message: line.slice(0, 80) });
        }
      });
    };
    forward(child.stdout);
    forward(child.stderr);
    child.on('error', (error) => {
      cancel.dispose();
      resolve(`npm did not start: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      cancel.dispose();
      if (cancelled) resolve('cancelled');
      else if (code === 0) resolve('ok');
      else resolve(`exit code ${code ?? signal ?? '?'}; the log has its output`);
    });
  });
}

/** Restarts the sidecar so that it looks again, then says what it chose and why. */
async function reportAfterRestart(
  client: SidecarClient,
  log: vscode.LogOutputChannel,
): Promise<void> {
  log.info('tfjs-node-gpu installed; restarting the sidecar to load it.');
  await client.stop();
  const info = await client.start().catch((error: unknown) => {
    void vscode.window.showErrorMessage(
      `ScaleNet: tfjs-node-gpu is installed, but the sidecar did not restart: ${String(error)}`,
    );
    return undefined;
  });
  if (!info) return;
  if (info.backend.name === 'tensorflow') {
    void vscode.window.showInformationMessage(
      `ScaleNet: GPU backend installed; the sidecar now uses ${info.backend.label}.`,
    );
    return;
  }
  const reason = info.backend.rejected.find((r) => r.backend === 'tensorflow')?.reason;
  const selectBackend = 'Select Backend';
  const picked = await vscode.window.showWarningMessage(
    reason
      ? `ScaleNet: tfjs-node-gpu is installed but did not load: ${reason}. The sidecar uses ${info.backend.label}.`
      : `ScaleNet: tfjs-node-gpu is installed; the sidecar uses ${info.backend.label} as the backend setting asks.`,
    selectBackend,
  );
  if (picked === selectBackend) await vscode.commands.executeCommand('scalenet.selectBackend');
}
