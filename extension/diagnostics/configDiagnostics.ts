/**
 * Problems the schema cannot see, in the Problems panel and under the field, for every
 * open `*.scalenet.json`: rechecked a moment after the user stops typing (the rules
 * touch the disk for dataset paths), and cleared when the document closes. The rules are
 * the sidecar's own (sidecar/protocol/configCheck), so the editor and a run agree.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SUFFIX } from '../configFiles';
import { checkConfigText } from '../../sidecar/protocol/configCheck';

export const DIAGNOSTICS_DELAY_MS = 300;

export function registerConfigDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('scalenet');
  const timers = new Map<string, NodeJS.Timeout>();

  const update = (document: vscode.TextDocument) => {
    const problems = checkConfigText(document.getText(), {
      configDir: dirname(document.uri.fsPath),
      exists: existsSync,
    });
    collection.set(
      document.uri,
      problems.map((p) => {
        const range = new vscode.Range(
          document.positionAt(p.offset),
          document.positionAt(p.offset + p.length),
        );
        const severity =
          p.severity === 'error'
            ? vscode.DiagnosticSeverity.Error
            : vscode.DiagnosticSeverity.Warning;
        const diagnostic = new vscode.Diagnostic(range, p.message, severity);
        diagnostic.source = 'ScaleNet';
        diagnostic.code = p.field;
        return diagnostic;
      }),
    );
  };
  const schedule = (document: vscode.TextDocument) => {
    if (document.uri.scheme !== 'file' || !document.uri.path.endsWith(CONFIG_SUFFIX)) return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        update(document);
      }, DIAGNOSTICS_DELAY_MS),
    );
  };

  for (const document of vscode.workspace.textDocuments) schedule(document);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(timers.get(document.uri.toString()));
      timers.delete(document.uri.toString());
      collection.delete(document.uri);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}
