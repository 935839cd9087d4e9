/**
 * A killed sidecar is a failed run, never a success: the built CLI (`node dist/cli.js
 * train`) on a tiny config, its sidecar SIGKILLed at a random moment between the run's
 * start and near its end, ten times. Every time the CLI must exit non-zero and say why.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/sidecar';

const CLI = join(__dirname, '../../dist/cli.js');

const config = {
  name: 'kill',
  seed: 5,
  method: 'rotnet',
  data: { dataset: 'embedded', limit: 200 },
  model: { blocks: [1, 1], widths: [8, 16] },
  pretext: { scales: [1], epochs: [3], lr: [0.05], batchSize: 16, heldOut: 100 },
  evaluation: { knn: { enabled: false }, finetune: { labels: [] }, linear: { labels: [] } },
  runsDir: 'runs',
};

/** The CLI's forked children (the sidecar), from the kernel's own record. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killedAfterMs: number;
  /** From the run's start to the CLI's exit. */
  runMs: number;
}

/** Runs `scalenet train`, SIGKILLs its sidecar `delayMs` after the run has started. */
function trainAndKill(configPath: string, delayMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [CLI, 'train', configPath, '--backend', 'wasm'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let startedAt = 0;
    let killedAfterMs = -1;
    const guard = setTimeout(() => {
      cli.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    cli.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The first step line (printed at once, piped too): the run is training.
      if (!startedAt && /step \d+\/\d+/.test(stdout)) {
        startedAt = Date.now();
        setTimeout(() => {
          const [sidecar] = childrenOf(cli.pid!);
          if (sidecar === undefined) return;
          killedAfterMs = Date.now() - startedAt;
          process.kill(sidecar, 'SIGKILL');
        }, delayMs);
      }
    });
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    cli.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, killedAfterMs, runMs: Date.now() - startedAt });
    });
  });
}

const wasKilled = (o: Outcome) => o.killedAfterMs >= 0;

describe('scalenet train when its sidecar is killed', () => {
  it('exits non-zero and says the sidecar exited, 10 kills out of 10', async () => {
    const dir = tempDir('cli-kill');
    const configPath = join(dir, 'kill.scalenet.json');
    writeFileSync(configPath, JSON.stringify(config));
    // An unkilled run, to learn how long the run phase lasts here.
    const reference = await trainAndKill(configPath, 60_000);
    assert.equal(reference.code, 0, reference.stderr);
    // This machine's speed varies (other work shares it): a run that ends before its kill
    // is not counted, and the next kill is drawn over the shorter run.
    let runMs = reference.runMs;
    const outcomes: Outcome[] = [];
    for (let attempt = 0; attempt < 20 && outcomes.filter(wasKilled).length < 10; attempt++) {
      // Random moments from the first step to ~90 % of the run.
      const outcome = await trainAndKill(configPath, Math.floor(Math.random() * 0.9 * runMs));
      outcomes.push(outcome);
      if (!wasKilled(outcome)) runMs = Math.min(runMs, outcome.runMs);
    }
    const killed = outcomes.filter(wasKilled);
    const summary = outcomes.map((o) => `${o.killedAfterMs} ms → exit ${o.code}`).join(', ');
    console.log(`kills: ${summary}`);
    assert.equal(killed.length, 10, `10 runs killed before they finished: ${summary}`);
    for (const o of outcomes.filter((x) => !wasKilled(x))) assert.equal(o.code, 0, o.stderr);
    for (const o of killed) {
      assert.notEqual(o.code, 0, `killed after ${o.killedAfterMs} ms but exited 0\n${o.stderr}`);
      assert.equal(o.code, 1, summary);
      assert.match(o.stderr, /The sidecar exited \(SIGKILL\)/);
    }
  });
});
