/**
 * The extension's sweeps go through the bundled CLI (dist/cli.js), the same program a
 * user runs on a login node: long work (running, submitting) in a terminal the user can
 * watch and Ctrl-C, short answers (status, report, cancel) as a child process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SweepCli {
  /** Runs `scalenet ARGS` and collects its output. */
  run(args: string[]): Promise<CliResult>;
  /** Runs `scalenet ARGS` in a new terminal. */
  runInTerminal(name: string, args: string[], cwd?: string): vscode.Terminal;
}

/** The Node that runs the CLI: the scalenet.nodePath setting, else VS Code's own runtime. */
function runtime(): { execPath: string; env: NodeJS.ProcessEnv } {
  const nodePath = vscode.workspace.getConfiguration('scalenet').get<string>('nodePath', '').trim();
  return nodePath
    ? { execPath: nodePath, env: {} }
    : // VS Code's executable is Electron: this makes it behave as plain Node.
      { execPath: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

export function bundledCli(extensionPath: string): SweepCli {
  const cli = join(extensionPath, 'dist', 'cli.js');
  return {
    run(args) {
      const { execPath, env } = runtime();
      return new Promise((resolve) =>
        execFile(
          execPath,
          [cli, ...args],
          { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, stderr: stderr || (error && code !== 0 ? error.message : '') });
          },
        ),
      );
    },
    runInTerminal(name, args, cwd) {
      const { execPath, env } = runtime();
      const terminal = vscode.window.createTerminal({
        name,
        shellPath: execPath,
        shellArgs: [cli, ...args],
        env,
        cwd,
      });
      terminal.show();
      return terminal;
    },
  };
}
