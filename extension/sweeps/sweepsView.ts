/**
 * The "Sweeps" section of the ScaleNet view container: every *.sweep.json in the
 * workspace, and under it each variant's state as `scalenet sweep status` reports it
 * (Slurm's word joined with the run store's). While any variant is queued or running
 * the section refreshes itself; clicking a variant opens its run's loss curves, which
 * follow the run folder live.
 */
import * as vscode from 'vscode';
import type { VariantStatus } from '../../sidecar/protocol/sweep';
import type { SweepCli } from './sweepCli';
import { SWEEP_SUFFIX } from './sweepCodeLens';

export const SWEEPS_VIEW_ID = 'scalenet.sweeps';
/** Slurm's own commands are cheap, but a login node is shared: every 10 s at most. */
export const LIVE_REFRESH_MS = 10_000;

export type SweepsNode =
  | { kind: 'sweep'; uri: vscode.Uri }
  | { kind: 'variant'; sweep: vscode.Uri; status: VariantStatus }
  | { kind: 'message'; text: string };

const ICONS: Record<string, [string, string?]> = {
  COMPLETED: ['pass', 'testing.iconPassed'],
  RUNNING: ['sync~spin'],
  PENDING: ['clock'],
  FAILED: ['error', 'testing.iconFailed'],
  TIMEOUT: ['watch', 'list.warningForeground'],
  CANCELLED: ['circle-slash', 'list.warningForeground'],
  STOPPED: ['debug-pause'],
  NOT_SUBMITTED: ['circle-outline'],
};

export function variantDescription(s: VariantStatus): string {
  const acc = s.metrics?.['pretext/accuracy'];
  return [s.state, s.jobId, acc === undefined ? undefined : `pretext ${(100 * acc).toFixed(1)}%`]
    .filter(Boolean)
    .join(' · ');
}

export class SweepsTreeProvider implements vscode.TreeDataProvider<SweepsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<SweepsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly statuses = new Map<string, VariantStatus[] | string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly cli: SweepCli) {}

  /** Re-reads every sweep's status; keeps refreshing while any variant is alive. */
  async refresh(): Promise<void> {
    const files = await vscode.workspace.findFiles(
      `**/*${SWEEP_SUFFIX}`,
      '**/node_modules/**',
      200,
    );
    this.statuses.clear();
    await Promise.all(
      files.map(async (uri) => {
        const result = await this.cli.run(['sweep', 'status', uri.fsPath, '--json']);
        this.statuses.set(
          uri.fsPath,
          result.code === 0
            ? (JSON.parse(result.stdout) as VariantStatus[])
            : // Not yet submitted (no sweep folder) or a mistake in the file: say which.
              (result.stderr.trim().split('\n')[0] ?? 'no status'),
        );
      }),
    );
    this.changeEmitter.fire(undefined);
    clearTimeout(this.timer);
    if (this.alive()) this.timer = setTimeout(() => void this.refresh(), LIVE_REFRESH_MS);
  }

  alive(): boolean {
    return [...this.statuses.values()].some(
      (s) => typeof s !== 'string' && s.some((v) => v.state === 'RUNNING' || v.state === 'PENDING'),
    );
  }

  getChildren(node?: SweepsNode): SweepsNode[] {
    if (!node) {
      const sweeps = [...this.statuses.keys()]
        .sort()
        .map((p) => ({ kind: 'sweep', uri: vscode.Uri.file(p) }) as const);
      return sweeps.length > 0
        ? sweeps
        : [{ kind: 'message', text: 'No *.sweep.json in this workspace.' }];
    }
    if (node.kind !== 'sweep') return [];
    const status = this.statuses.get(node.uri.fsPath);
    if (status === undefined) return [];
    if (typeof status === 'string') return [{ kind: 'message', text: status }];
    return status.map((s) => ({ kind: 'variant', sweep: node.uri, status: s }));
  }

  getTreeItem(node: SweepsNode): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'sweep') {
      const item = new vscode.TreeItem(
        node.uri.path.split('/').pop()!.replace(SWEEP_SUFFIX, ''),
        vscode.TreeItemCollapsibleState.Expanded,
      );
      const status = this.statuses.get(node.uri.fsPath);
      if (typeof status !== 'string' && status) {
        const done = status.filter((s) => s.state === 'COMPLETED').length;
        item.description = `${done}/${status.length} completed`;
      }
      item.resourceUri = node.uri;
      item.contextValue = 'sweep';
      item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri] };
      return item;
    }
    const { status } = node;
    const item = new vscode.TreeItem(status.name, vscode.TreeItemCollapsibleState.None);
    item.description = variantDescription(status);
    const [icon, color] = ICONS[status.state] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = [status.runDir, status.slurmState && `Slurm: ${status.slurmState}`]
      .filter(Boolean)
      .join('\n');
    item.contextValue = 'sweepVariant';
    if (status.runDir) {
      item.command = {
        title: 'Loss curves',
        command: 'scalenet.runs.openLossCurves',
        arguments: [status.runDir],
      };
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changeEmitter.dispose();
  }
}

export function registerSweepsView(cli: SweepCli): vscode.Disposable {
  const provider = new SweepsTreeProvider(cli);
  const view = vscode.window.createTreeView(SWEEPS_VIEW_ID, { treeDataProvider: provider });
  const watcher = vscode.workspace.createFileSystemWatcher(`**/*${SWEEP_SUFFIX}`);
  const refresh = () => void provider.refresh();
  refresh();
  return vscode.Disposable.from(
    provider,
    view,
    watcher,
    watcher.onDidCreate(refresh),
    watcher.onDidChange(refresh),
    watcher.onDidDelete(refresh),
    vscode.commands.registerCommand('scalenet.sweeps.refresh', () => provider.refresh()),
  );
}
