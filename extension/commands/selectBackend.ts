/**
 * "ScaleNet: Select Compute Backend": a quick pick over the `scalenet.backend` setting
 * that says, for each backend, whether this machine's sidecar could use it and why not
 * (from the running sidecar's `initialize` report). Changing the setting restarts the
 * sidecar through SidecarClient's settings listener.
 */
import * as vscode from 'vscode';
import type { BackendPreference } from '../../sidecar/protocol/index';
import type { SidecarClient } from '../supervisor/client';

const CHOICES: { id: BackendPreference; label: string; description: string }[] = [
  {
    id: 'auto',
    label: 'Automatic',
    description: 'the fastest that starts: a GPU first, then libtorch, then WebAssembly',
  },
  { id: 'torch', label: 'libtorch (torch)', description: 'PyTorch’s kernels: CUDA, MPS or CPU' },
  { id: 'tensorflow', label: 'TensorFlow (tfjs-node-gpu)', description: 'CUDA 11.2 + cuDNN 8.1' },
  { id: 'wasm', label: 'WebAssembly', description: 'with the project’s training kernels' },
  { id: 'cpu', label: 'Plain JavaScript', description: 'very slow: for checks only' },
];

export async function selectBackend(client: SidecarClient): Promise<void> {
  const settings = vscode.workspace.getConfiguration('scalenet');
  const current = settings.get<BackendPreference>('backend', 'auto');
  const report = client.state === 'running' ? client.info?.backend : undefined;
  const rejected = new Map(report?.rejected.map((r) => [r.backend, r.reason]));
  const items = CHOICES.map((choice) => ({
    ...choice,
    label: `${choice.id === current ? '$(check) ' : ''}${choice.label}`,
    detail:
      report?.name === choice.id
        ? `In use: ${report.label}`
        : choice.id !== 'auto' && rejected.has(choice.id)
          ? `Not available here: ${rejected.get(choice.id)}`
          : undefined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'ScaleNet: Select Compute Backend',
    placeHolder: report
      ? `In use: ${report.label}`
      : 'The sidecar reports what it can use once it has started',
  });
  if (!picked || picked.id === current) return;
  // Write where the current value comes from, so that the choice is not shadowed.
  const inspected = settings.inspect<string>('backend');
  const target =
    inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  // Asked before the update: its change event already begins the restart.
  const sidecarUp = client.state === 'running' || client.state === 'starting';
  await settings.update('backend', picked.id, target);
  void vscode.window.showInformationMessage(
    sidecarUp
      ? `ScaleNet: compute backend set to "${picked.id}"; the sidecar restarts with it.`
      : `ScaleNet: compute backend set to "${picked.id}"; it applies when the sidecar starts.`,
  );
}
