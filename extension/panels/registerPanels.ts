/**
 * The four panels' commands and their serializers (so panels come back after a
 * reload with the state their webviews last saved), owned by one disposable. Panels
 * open beside the editor; each command takes an optional Uri (from a menu or a lens):
 * a run folder or a *.scalenet.json config.
 */
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/protocol';
import { AttentionPanel, ATTENTION_VIEW } from './attentionPanel';
import { HarrisPanel, HARRIS_VIEW } from './harrisPanel';
import { LossCurvesPanel, LOSS_CURVES_VIEW } from './lossCurvesPanel';
import { PanelSlot } from './panelSlot';
import { RepresentationMapPanel, REPRESENTATION_MAP_VIEW } from './representationMapPanel';
import { isRunDir, workspaceRunDirs } from './runFolders';
import type { PanelServices } from './services';
import { whenTrusted } from '../trust';

/** Runs shown by default: the newest few, enough to compare RotNet and ScaleNet. */
const DEFAULT_RUNS = 4;

const CONFIG_FILE = /\.scalenet\.json$/;

/** Menus pass a Uri; the runs view and the status bar pass a run folder's path. */
type PanelArg = vscode.Uri | string | undefined;

function pathOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  return arg instanceof vscode.Uri ? arg.fsPath : undefined;
}

async function pickConfig(arg: PanelArg): Promise<string | undefined> {
  const given = pathOf(arg);
  if (given && CONFIG_FILE.test(given)) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && CONFIG_FILE.test(active.fsPath)) return active.fsPath;
  const found = await vscode.workspace.findFiles('**/*.scalenet.json', '**/node_modules/**', 50);
  if (found.length === 1) return found[0].fsPath;
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which config’s images?' },
  );
  return picked?.uri.fsPath;
}

function runArg(arg: PanelArg): string[] {
  const given = pathOf(arg);
  return given && isRunDir(given) ? [given] : [];
}

/** A panel restored in an untrusted workspace is closed before it reads anything. */
function closedIfUntrusted(panel: vscode.WebviewPanel): boolean {
  if (vscode.workspace.isTrusted) return false;
  panel.dispose();
  return true;
}

function stateOf(raw: unknown): PanelState | undefined {
  const s = raw as PanelState | undefined;
  return s && typeof s === 'object' && 'panel' in s && 'state' in s ? s : undefined;
}

export function registerPanels(
  services: Omit<PanelServices, 'extensionUri'>,
  context: vscode.ExtensionContext,
): vscode.Disposable {
  const all: PanelServices = { ...services, extensionUri: context.extensionUri };
  // One attention-maps panel: opening it again reveals it, selecting the run it names.
  const attention = new PanelSlot<AttentionPanel>();
  const lossRuns = async (arg?: PanelArg) => {
    const given = runArg(arg);
    return given.length > 0 ? given : workspaceRunDirs(DEFAULT_RUNS);
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'scalenet.showLossCurves',
      whenTrusted('shows loss curves', async (arg?: PanelArg) =>
        LossCurvesPanel.create(all, await lossRuns(arg)),
      ),
    ),
    vscode.commands.registerCommand(
      'scalenet.previewHarris',
      whenTrusted('previews images', async (arg?: PanelArg) => {
        const configPath = await pickConfig(arg);
        if (configPath) HarrisPanel.create(all, configPath);
      }),
    ),
    vscode.commands.registerCommand(
      'scalenet.openAttentionMaps',
      whenTrusted('computes attention maps', (arg?: PanelArg) => {
        const runs = runArg(arg);
        attention.open(
          () => AttentionPanel.create(all, runs),
          (open) => void open.reopen(runs),
        );
      }),
    ),
    vscode.commands.registerCommand(
      'scalenet.showRepresentationMap',
      whenTrusted('shows representation maps', async (...args: unknown[]) => {
        await RepresentationMapPanel.create(all, args);
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(LOSS_CURVES_VIEW, {
      deserializeWebviewPanel: async (panel, raw) => {
        if (closedIfUntrusted(panel)) return;
        const s = stateOf(raw);
        const state =
          s?.panel === 'lossCurves'
            ? s.state
            : {
                smoothing: 0.6,
                xAxis: 'step' as const,
                logScale: false,
                hiddenRuns: [],
                runDirs: await lossRuns(),
              };
        new LossCurvesPanel(panel, all, state);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(HARRIS_VIEW, {
      deserializeWebviewPanel: (panel, raw) => {
        if (closedIfUntrusted(panel)) return Promise.resolve();
        const s = stateOf(raw);
        if (s?.panel !== 'harrisPreview') {
          panel.dispose(); // nothing says which config it showed
          return Promise.resolve();
        }
        new HarrisPanel(panel, all, s.state);
        return Promise.resolve();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(ATTENTION_VIEW, {
      deserializeWebviewPanel: (panel, raw) => {
        if (closedIfUntrusted(panel)) return Promise.resolve();
        const s = stateOf(raw);
        attention.adopt(
          new AttentionPanel(panel, all, s?.panel === 'attentionMaps' ? s.state : undefined),
        );
        return Promise.resolve();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(REPRESENTATION_MAP_VIEW, {
      deserializeWebviewPanel: (panel, raw) => {
        if (closedIfUntrusted(panel)) return Promise.resolve();
        const s = stateOf(raw);
        const runDirs = s?.panel === 'representationMap' ? s.state.runDirs.filter(isRunDir) : [];
        if (runDirs.length === 0) {
          panel.dispose(); // nothing says which runs it mapped (or they are gone)
          return Promise.resolve();
        }
        new RepresentationMapPanel(panel, all, { runDirs });
        return Promise.resolve();
      },
    }),
  );
}
