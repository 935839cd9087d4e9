/**
 * The run folder under contention: simultaneous starts each get their own folder, one
 * process per run (run.lock), a config.json that is not a config is a named error, and
 * metrics.jsonl reads as one record per (stage, epoch, step, metric).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../sidecar/config/configError';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { isEpochRecord, metricKey, parseMetricsLog } from '../../sidecar/protocol/metricsLog';
import { acquireRunLock, LOCK_FILE, RunInUseError } from '../../sidecar/runs/runLock';
import {
  createRunDir,
  MetricsLog,
  readMetrics,
  readRunConfig,
  readRunConfigAsync,
  truncateMetricsToCheckpoint,
} from '../../sidecar/runs/runStore';
import { tempDir } from '../helpers/dataFixtures';

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}`)),
    );
  });
}

void test('18 processes creating run folders of one name at once get a folder each', async () => {
  const { dir, cleanup } = tempDir('scalenet-race-');
  try {
    const child = join(__dirname, '..', 'helpers', 'createRunDirChild.ts');
    // Far enough ahead that all 18 have loaded tsx and wait at the same line; each makes
    // 10 folders in a row, so the starts overlap even on a 2-core machine.
    const startAt = String(Date.now() + 6000);
    const outputs = await Promise.all(
      Array.from({ length: 18 }, () => runChild([child, dir, startAt, '10'])),
    );
    const dirs = outputs.flatMap((o) => o.split('\n'));
    assert.equal(dirs.length, 180);
    assert.equal(new Set(dirs).size, 180, `${new Set(dirs).size} distinct folders of 180`);
    const made = readdirSync(dir).sort();
    assert.equal(made.length, 180);
    assert.ok(made.includes('race-20261202-060000'));
    assert.ok(made.includes('race-20261202-060000-180'));
    for (const d of dirs) {
      assert.equal(readRunConfig(d).name, 'race');
      assert.ok(existsSync(join(d, 'checkpoints')));
    }
  } finally {
    cleanup();
  }
});

void test('a runs folder under /proc is an error, not an endless mkdir', async () => {
  const config = resolveConfig({ name: 'p' }, '/tmp/p.scalenet.json');
  const started = Date.now();
  // Linux: ENOENT (Node's recursive mkdir spins forever on it); elsewhere /proc is not writable.
  await assert.rejects(createRunDir('/proc/scalenet-runs/x', config), /ENOENT|EACCES|EROFS|EPERM/);
  assert.ok(Date.now() - started < 2000);
});

void test('run.lock: a live holder refuses with its pid, a dead one is taken over and logged', async () => {
  const { dir, cleanup } = tempDir('scalenet-lock-');
  try {
    const lock = await acquireRunLock(dir, () => assert.fail('nothing to take over'));
    const held = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    assert.equal(held.pid, process.pid);
    // Another process (the same host, alive): a child that holds the lock and waits.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await lock.release();
      assert.ok(!existsSync(join(dir, LOCK_FILE)), 'released');
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname() }),
      );
      await assert.rejects(
        acquireRunLock(dir, () => {}),
        (e: unknown) => {
          assert.ok(e instanceof RunInUseError);
          assert.equal(e.pid, holder.pid);
          assert.match(e.message, new RegExp(`run is in use by pid ${holder.pid}\\b`));
          return true;
        },
      );
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    // Its holder is dead now: the lock is stale.
    const lines: string[] = [];
    const taken = await acquireRunLock(dir, (l) => lines.push(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0], new RegExp(`took over run\\.lock of pid ${holder.pid}`));
    assert.equal(
      (JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid,
      process.pid,
    );
    await taken.release();
  } finally {
    cleanup();
  }
});

void test('a run folder whose config.json is not a config is a ConfigError naming the file', async () => {
  const { dir, cleanup } = tempDir('scalenet-cfg-');
  try {
    const config = resolveConfig({ name: 'ok' }, join(dir, 'ok.scalenet.json'));
    const runDir = await createRunDir(dir, config);
    assert.deepEqual(readRunConfig(runDir), config, 'a stored config reads back unchanged');
    const file = join(runDir, 'config.json');
    for (const [text, problem] of [
      ['{"name": "x", "pretext": {"scales": "big"}}', /pretext\.scales/],
      ['[1, 2, 3]', /.+/],
      ['{ not json', /is not JSON/],
    ] as const) {
      writeFileSync(file, text);
      await assert.rejects(readRunConfigAsync(runDir), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `${text}: ${String(e)}`);
        assert.equal(e.file, file);
        assert.match(e.message, problem);
        return true;
      });
    }
  } finally {
    cleanup();
  }
});

void test('metrics.jsonl: one record per key, last wins; resume cuts back to the checkpoint', () => {
  const { dir, cleanup } = tempDir('scalenet-metrics-');
  try {
    const log = new MetricsLog(join(dir, 'metrics.jsonl'), 'r');
    log.append(0, 1, 10, { loss: 2, acc: 0.1 });
    log.append(0, 2, 20, { loss: 1.5, acc: 0.2 });
    const atCheckpoint = log.length;
    log.append(0, 3, 30, { loss: 1.2, acc: 0.3 });
    // A crash, then epoch 3 again, and half a line from the kill before it.
    writeFileSync(
      join(dir, 'metrics.jsonl'),
      readFileSync(join(dir, 'metrics.jsonl'), 'utf8') + '{"run":"r","sta',
    );
    const again = new MetricsLog(join(dir, 'metrics.jsonl'), 'r');
    again.append(0, 3, 30, { loss: 1.1, acc: 0.35 });
    const records = readMetrics(dir);
    assert.deepEqual(
      records.map((r) => [r.epoch, r.metric, r.value]),
      [
        [1, 'loss', 2],
        [1, 'acc', 0.1],
        [2, 'loss', 1.5],
        [2, 'acc', 0.2],
        [3, 'loss', 1.1],
        [3, 'acc', 0.35],
      ],
    );
    assert.equal(new Set(records.map(metricKey)).size, records.length);
    truncateMetricsToCheckpoint(dir, {
      latestCheckpoint: 'checkpoints/latest',
      metricsBytes: atCheckpoint,
    } as Parameters<typeof truncateMetricsToCheckpoint>[1]);
    assert.deepEqual(
      parseMetricsLog(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).map((r) => r.epoch),
      [1, 1, 2, 2],
    );
    // A per-step record the progress throttle sent after its epoch's record is dropped
    // (it would read as a step back); one after it is kept, with its fractional epoch.
    const steps = new MetricsLog(join(dir, 'metrics.jsonl'), 'r');
    steps.append(0, 3, 30, { loss: 1.1 });
    steps.appendStep(0, 2.8, 28, { loss: 1.15 });
    steps.appendStep(0, 3.5, 35, { loss: 1.05 });
    steps.appendStep(1, 0.5, 5, { loss: 0.9 });
    const kept = parseMetricsLog(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'));
    assert.deepEqual(
      kept.filter((r) => !isEpochRecord(r)).map((r) => [r.stage, r.epoch, r.step]),
      [
        [0, 3.5, 35],
        [1, 0.5, 5],
      ],
    );
    // No checkpoint at all: the resumed run starts over, so no record stays.
    truncateMetricsToCheckpoint(dir, undefined);
    assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), '');
  } finally {
    cleanup();
  }
});
