/**
 * The "Runs" view: every run in the workspace's runs folders, read through the sidecar's
 * `runs/list` (the same reader as the CLI's), live: a watcher on the runs' summary.json
 * files, and a refresh at each epoch end and run end the sidecar reports. The latest
 * listing is also what the Resume and Compare pickers offer.
 */
import * as vscode from 'vscode';
import { RunsListRequest, type RunInfo } from '../../sidecar/protocol/index';
import { CONFIG_GLOB } from '../configFiles';
import type { SidecarClient } from '../supervisor/client';
import { presentRun } from './runPresentation';
import type { RunsFolder } from './runsFolders';
import { findRunsFolders } from './workspaceRuns';

export type RunsNode =
  | { kind: 'run'; run: RunInfo }
  | { kind: 'folder'; folder: RunsFolder; runs: RunInfo[] }
  | { kind: 'message'; text: string };

export const RUNS_VIEW_ID = 'scalenet.runs';
/** Refreshes are coalesced: a run writes its summary and reports progress together. */
const REFRESH_DELAY_MS = 250;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private folders: RunsFolder[] = [];
  private listing: { folder: RunsFolder; runs: RunInfo[] }[] = [];
  private watchers: vscode.Disposable[] = [];
  private watchedDirs = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly client: SidecarClient) {
    const configWatcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    this.disposables = [
      this.changeEmitter,
      configWatcher,
      // A config's runsDir may have changed: the folders are recomputed on refresh.
      configWatcher.onDidCreate(() => this.scheduleRefresh()),
      configWatcher.onDidChange(() => this.scheduleRefresh()),
      configWatcher.onDidDelete(() => this.scheduleRefresh()),
      client.onProgress((p) => {
        if (p.epochMetrics) this.scheduleRefresh();
      }),
      client.onFinished(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('scalenet.runsDir')) this.scheduleRefresh();
      }),
    ];
  }

  /** The runs of the last listing, every folder together. */
  get runs(): RunInfo[] {
    return this.listing.flatMap((l) => l.runs);
  }

  get runsFolders(): RunsFolder[] {
    return this.folders;
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Lists again now (the pickers call this so that they never offer stale runs). */
  async list(): Promise<RunInfo[]> {
    await this.load();
    return this.runs;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(
        vscode.workspace.asRelativePath(vscode.Uri.file(node.folder.runsDir)),
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('folder');
      item.tooltip = node.folder.runsDir;
      item.contextValue = 'scalenetRunsFolder';
      return item;
    }
    const shown = presentRun(node.run);
    const item = new vscode.TreeItem(shown.label);
    // Stable across refreshes, so that selection and focus stay on the run.
    item.id = node.run.runDir;
    item.description = shown.description;
    item.tooltip = shown.tooltip;
    item.iconPath = new vscode.ThemeIcon(
      shown.icon.id,
      shown.icon.color ? new vscode.ThemeColor(shown.icon.color) : undefined,
    );
    item.contextValue = shown.contextValue;
    item.resourceUri = vscode.Uri.file(node.run.runDir);
    return item;
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (node?.kind === 'folder') return node.runs.map((run) => ({ kind: 'run', run }));
    if (node) return [];
    if (!vscode.workspace.isTrusted) {
      return [{ kind: 'message', text: 'Runs are listed in trusted workspaces only.' }];
    }
    try {
      await this.load();
    } catch (error) {
      return [{ kind: 'message', text: `Could not list runs: ${String(error)}` }];
    }
    const nonEmpty = this.listing.filter((l) => l.runs.length > 0);
    // One folder (the usual case): the runs themselves, without a folder level.
    if (nonEmpty.length === 1) return nonEmpty[0].runs.map((run) => ({ kind: 'run', run }));
    return nonEmpty.map((l) => ({ kind: 'folder', folder: l.folder, runs: l.runs }));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), REFRESH_DELAY_MS);
  }

  private async load(): Promise<void> {
    this.folders = await findRunsFolders();
    this.watch(this.folders.map((f) => f.runsDir));
    this.listing = await Promise.all(
      this.folders.map(async (folder) => ({
        folder,
        runs: await this.client.request(RunsListRequest.type, { runsDir: folder.runsDir }),
      })),
    );
  }

  /** Summary files are rewritten atomically (a rename), seen as create or change. */
  private watch(dirs: string[]): void {
    const key = dirs.join('\n');
    if (key === this.watchedDirs) return;
    this.watchedDirs = key;
    for (const w of this.watchers) w.dispose();
    this.watchers = dirs.flatMap((dir) => {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(dir), '*/summary.json'),
      );
      return [
        watcher,
        watcher.onDidCreate(() => this.scheduleRefresh()),
        watcher.onDidChange(() => this.scheduleRefresh()),
        watcher.onDidDelete(() => this.scheduleRefresh()),
      ];
    });
  }
}
