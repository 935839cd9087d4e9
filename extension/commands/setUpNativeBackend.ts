/**
 * "ScaleNet: Set Up Native Backend": builds the `torch` backend's addon against the
 * libtorch this machine has (the setting scalenet.libtorchPath, the `python3` PyTorch, or
 * Debian's libtorch-dev), for users of the packaged extension, who never ran `npm ci`.
 *
 * It runs the same build program as `npm run build:native` (bundled as
 * dist/build-native.js) with a system Node — node-gyp needs Node's headers, which VS Code's
 * runtime does not ship; the addon is N-API, so it loads in either — builds in the
 * extension's storage, and reads the program's JSON lines for progress and the outcome.
 * Then the sidecar restarts and the user learns what it now runs on, or why not torch.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import treeKill from 'tree-kill';
import { torchAddonDir, type SidecarClient } from '../supervisor/client';

/** The build program's last line (scripts/native/buildOutcome.ts). */
export interface NativeBuildOutcome {
  ok: boolean;
  kind: string;
  message: string;
}

type BuildResult = NativeBuildOutcome | 'cancelled';

/** What the user must fix, per outcome kind, as the message's first words. */
const WHAT_IS_MISSING: Record<string, string> = {
  'no-compiler': 'a C++ compiler is missing',
  'no-libtorch': 'no libtorch was found',
  'abi-mismatch': 'libtorch was built with another C++ ABI',
  'missing-library': 'a libtorch library is missing',
  'no-node-headers': "Node's headers are missing",
  'no-node-gyp': 'node-gyp or node-addon-api is missing',
  'no-node': 'Node.js was not found',
};

export async function setUpNativeBackend(
  context: vscode.ExtensionContext,
  client: SidecarClient,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const out = torchAddonDir(context);
  const stage = join(context.globalStorageUri.fsPath, 'torch-build');
  await mkdir(stage, { recursive: true });
  const settings = vscode.workspace.getConfiguration('scalenet');
  const node = settings.get<string>('nodePath', '').trim() || 'node';
  const libtorchPath = settings.get<string>('libtorchPath', '').trim();
  const args = [
    join(context.extensionPath, 'dist', 'build-native.js'),
    '--json',
    '--root',
    context.extensionPath,
    '--stage',
    stage,
    '--out',
    out,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(libtorchPath !== '' ? { SCALENET_LIBTORCH: libtorchPath } : {}),
  };
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'ScaleNet: building the native (libtorch) backend',
      cancellable: true,
    },
    (progress, token) => runBuild(node, args, env, log, progress, token),
  );
  if (result === 'cancelled') {
    void vscode.window.showInformationMessage('ScaleNet: native backend build cancelled.');
    return;
  }
  if (!result.ok) {
    const missing = WHAT_IS_MISSING[result.kind];
    const showLog = 'Show Log';
    const picked = await vscode.window.showErrorMessage(
      `ScaleNet: the native backend was not built${missing ? ` (${missing})` : ''}: ${result.message}`,
      showLog,
    );
    if (picked === showLog) log.show();
    return;
  }
  log.info(`Native backend built: ${result.message}; restarting the sidecar to load it.`);
  const info = await client.restartFresh().catch((error: unknown) => {
    void vscode.window.showErrorMessage(
      `ScaleNet: the native backend is built, but the sidecar did not restart: ${String(error)}`,
    );
    return undefined;
  });
  if (!info) return;
  if (info.backend.name === 'torch') {
    void vscode.window.showInformationMessage(
      `ScaleNet: native backend ready; the sidecar now uses ${info.backend.label}.`,
    );
    return;
  }
  const reason = info.backend.rejected.find((r) => r.backend === 'torch')?.reason;
  const selectBackend = 'Select Backend';
  const picked = await vscode.window.showWarningMessage(
    reason
      ? `ScaleNet: the native backend is built but not in use: ${reason}. The sidecar uses ${info.backend.label}.`
      : `ScaleNet: the native backend is built; the sidecar uses ${info.backend.label} as the backend setting asks.`,
    selectBackend,
  );
  if (picked === selectBackend) await vscode.commands.executeCommand('scalenet.selectBackend');
}

function parseLine(
  line: string,
): { event?: string; message?: string } & Partial<NativeBuildOutcome> {
  try {
    return JSON.parse(line) as { event?: string } & Partial<NativeBuildOutcome>;
  } catch {
    return { event: 'log', message: line };
  }
}

function runBuild(
  node: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: vscode.LogOutputChannel,
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<BuildResult> {
  log.info(`Running ${node} ${args.join(' ')}`);
  progress.report({ message: 'looking for libtorch…' });
  return new Promise((resolve) => {
    const child = spawn(node, args, { env, shell: process.platform === 'win32' });
    let cancelled = false;
    let outcome: NativeBuildOutcome | undefined;
    const cancel = token.onCancellationRequested(() => {
      cancelled = true;
      if (child.pid !== undefined) treeKill(child.pid);
    });
    const onLine = (line: string) => {
      const parsed = parseLine(line);
      if (parsed.event === 'result' && typeof parsed.ok === 'boolean') {
        outcome = { ok: parsed.ok, kind: parsed.kind ?? '', message: parsed.message ?? '' };
        return;
      }
      const message = parsed.message ?? line;
      log.info(`[build:native] ${message}`);
      progress.report({ message: message.slice(0, 80) });
    };
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== '')) onLine(line);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split(/\r?\n/).filter((l) => l.trim() !== '')) {
        log.info(`[build:native] ${line}`);
      }
    });
    child.on('error', (error) => {
      cancel.dispose();
      resolve({
        ok: false,
        kind: 'no-node',
        message: `${node} did not start (${error.message}): install Node.js 20 or later, or set scalenet.nodePath`,
      });
    });
    child.on('close', (code, signal) => {
      cancel.dispose();
      if (rest.trim() !== '') onLine(rest);
      if (cancelled) resolve('cancelled');
      else if (outcome) resolve(outcome);
      else {
        resolve({
          ok: false,
          kind: 'build-failed',
          message: `the build program ended with ${code ?? signal ?? '?'} without an outcome; the log has its output`,
        });
      }
    });
  });
}
