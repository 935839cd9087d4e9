/**
 * Workspace Trust, in one place: training and every panel that reads datasets or
 * checkpoints (Harris preview, loss curves, attention maps) run only in a trusted
 * workspace, as the manifest's `untrustedWorkspaces` description promises — a config
 * names files anywhere on disk and the sidecar is a process the workspace's settings
 * choose. Editing and validating configs work without trust.
 */
import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/** Says why `what` needs trust and offers the trust editor; the caller then stops. */
export async function refuseUntrusted(what: string): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    `ScaleNet ${what} only in trusted workspaces: a config names data files anywhere on disk and starts a training process with the settings this workspace chooses (such as the Node runtime). Editing configs works without trust.`,
    MANAGE,
  );
  if (answer === MANAGE) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** `command` when the workspace is trusted; otherwise the refusal, and nothing is read. */
export function whenTrusted<A extends unknown[]>(
  what: string,
  command: (...args: A) => unknown,
): (...args: A) => unknown {
  return (...args: A) => (vscode.workspace.isTrusted ? command(...args) : refuseUntrusted(what));
}
