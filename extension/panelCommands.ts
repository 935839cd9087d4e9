/**
 * The webview panels' commands (`scalenet.showLossCurves`, `scalenet.openAttentionMaps`)
 * belong to another part of the extension and may not be registered in every build. The
 * runs view's menu items and the status bar use them only when they exist: this checks
 * the registered commands and mirrors the answer into context keys for `when` clauses.
 */
import * as vscode from 'vscode';

export const PANEL_COMMANDS = {
  lossCurves: { command: 'scalenet.showLossCurves', contextKey: 'scalenet.hasLossCurves' },
  attentionMaps: { command: 'scalenet.openAttentionMaps', contextKey: 'scalenet.hasAttentionMaps' },
} as const;

export type PanelName = keyof typeof PANEL_COMMANDS;

export class PanelCommands implements vscode.Disposable {
  private readonly available = new Set<PanelName>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    // main.ts registers the panels after these features: look once activation is over.
    this.timer = setTimeout(() => void this.check(), 0);
  }

  has(panel: PanelName): boolean {
    return this.available.has(panel);
  }

  /** Runs the panel's command on a run folder; false when it is not registered. */
  async open(panel: PanelName, runDir: string): Promise<boolean> {
    await this.check();
    if (!this.has(panel)) return false;
    await vscode.commands.executeCommand(PANEL_COMMANDS[panel].command, runDir);
    return true;
  }

  async check(): Promise<void> {
    const registered = new Set(await vscode.commands.getCommands(true));
    let changed = false;
    for (const [name, { command, contextKey }] of Object.entries(PANEL_COMMANDS)) {
      const panel = name as PanelName;
      const has = registered.has(command);
      if (has === this.available.has(panel)) continue;
      changed = true;
      if (has) this.available.add(panel);
      else this.available.delete(panel);
      await vscode.commands.executeCommand('setContext', contextKey, has);
    }
    if (changed) this.changeEmitter.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changeEmitter.dispose();
  }
}
