/**
 * The three webviews, built (dist/webview), in real Chromium under the panels' CSP with
 * a stub host: what they draw from host messages, what they post back, screenshots in
 * test/e2e/artifacts/, and the time from a progress message to the chart drawing it.
 * The sidecar answers are real: harris/preview on the embedded set and gradcam/compute
 * on a run folder made here. Run: npm run build && node --import tsx --test test/webview/*.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { chooseBackend } from '../../sidecar/backend/chooseBackend';
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { computeGradcam } from '../../sidecar/gradcam/computeGradcam';
import { harrisPreview } from '../../sidecar/inspect/harrisPreview';
import { buildModel } from '../../sidecar/models/buildModel';
import { saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { createRunDir } from '../../sidecar/runs/runStore';
import type { HostMessage, MetricPoint } from '../../webview/protocol';
import { ARTIFACTS, launch, openPanel, ROOT, skipReason, type PanelPage } from './browserPage';

const skip = skipReason();
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const send = (p: PanelPage, m: HostMessage) => p.send(m);

async function waitForPost(p: PanelPage, type: string, after = 0) {
  const handle = await p.page.waitForFunction(
    ({ t, n }) => {
      const posted = (window as unknown as { __posted: { type: string }[] }).__posted;
      return posted.slice(n).find((m) => m.type === t);
    },
    { t: type, n: after },
  );
  return (await handle.jsonValue()) as Record<string, unknown>;
}

function assertClean(p: PanelPage) {
  assert.deepEqual(p.errors, [], 'console errors or CSP violations');
}

/** A noisy curve from `level` + 0.2 towards 0.2 (level < 0: rising) over two stages of `n` points each. */
function curve(n: number, metric: string, level: number, seed: number): MetricPoint[] {
  let s = seed;
  const noise = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
  return Array.from({ length: 2 * n }, (_, i) => ({
    stage: i < n ? 0 : 1,
    step: (i % n) + 1,
    epoch: ((i % n) + 1) / 100,
    metric,
    value: level * Math.exp(-i / n) + 0.2 + noise(),
    time: 1.7e12 + i * 50,
  }));
}

describe('loss curves webview', { skip }, () => {
  it('draws a chart per metric with a series per run, smooths, and draws live points quickly', async () => {
    const p = await openPanel(browser, 'lossCurves');
    await waitForPost(p, 'ready');
    const N = 50_000; // per stage: 100,000 points per series
    await send(p, {
      type: 'lossCurves/history',
      runs: [
        {
          runId: 'rotnet',
          label: 'RotNet',
          points: [
            ...curve(N, 'pretext/loss', 1.2, 1),
            ...curve(N, 'pretext/accuracy', -0.2, 2).map((p) => ({ ...p, value: p.value + 0.6 })),
          ],
          stages: [],
        },
        {
          runId: 'scalenet',
          label: 'ScaleNet',
          points: curve(N, 'pretext/loss', 1.0, 3),
          stages: [{ stage: 1, steps: N, epochs: N / 100, scale: 1 }],
        },
      ],
    });
    const loss = p.page.locator('section.chart[data-metric="pretext/loss"]');
    await loss.waitFor();
    assert.equal(await loss.getAttribute('data-series'), '2');
    assert.equal(
      await p.page
        .locator('section.chart[data-metric="pretext/accuracy"]')
        .getAttribute('data-series'),
      '1',
    );
    assert.equal(await p.page.locator('section.chart').count(), 2);

    const pixels = () =>
      p.page.$eval('section.chart[data-metric="pretext/loss"] canvas', (c) =>
        (c as HTMLCanvasElement).toDataURL(),
      );
    const before = await pixels();
    await p.page.$eval('input[aria-label="Smoothing"]', (input) => {
      const range = input as HTMLInputElement;
      range.value = '0.99';
      range.dispatchEvent(new Event('input'));
    });
    await p.page.waitForTimeout(100);
    assert.notEqual(await pixels(), before, 'the smoothing slider redraws the smoothed line');

    // Progress → pixels: a live point posted with the page's clock, until the chart's draw hook.
    const latencies: number[] = [];
    for (let k = 0; k < 15; k++) {
      const n = (await p.posted()).length;
      await p.page.evaluate(
        (step) => {
          window.postMessage(
            {
              type: 'lossCurves/append',
              runId: 'scalenet',
              label: 'ScaleNet',
              points: [
                {
                  stage: 1,
                  step,
                  epoch: step / 100,
                  metric: 'pretext/loss',
                  value: 0.3,
                  time: Date.now(),
                },
              ],
              sentAt: Date.now(),
            },
            '*',
          );
        },
        N + 1 + k,
      );
      const drawn = await waitForPost(p, 'lossCurves/drawn', n);
      latencies.push(drawn.latencyMs as number);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    console.log(
      `progress → chart drawn (100,000 points per series, 3 series): median ${median} ms, max ${latencies.at(-1)} ms`,
    );
    assert.ok(median < 250, `median latency ${median} ms`);

    await p.page.locator('vscode-button', { hasText: 'Export CSV' }).click();
    const csv = await waitForPost(p, 'export');
    assert.equal(csv.format, 'csv');
    assert.equal((csv.data as string).split('\n').length, 1 + 3 * 2 * N + 15 + 1);
    await p.page.screenshot({ path: join(ARTIFACTS, 'webview-lossCurves.png'), fullPage: true });
    assertClean(p);
    await p.page.close();
  });
});

describe('Harris preview webview', { skip }, () => {
  it('asks for a preview, draws the grid, recomputes on a slider and writes back', async () => {
    const p = await openPanel(browser, 'harrisPreview');
    await waitForPost(p, 'ready');
    const configPath = join(ROOT, 'examples/fashion-mnist.scalenet.json');
    const harris = { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 };
    await send(p, {
      type: 'harris/init',
      state: { configPath, harris, count: 4 },
      scales: [0.5, 1],
    });
    const first = await waitForPost(p, 'harris/request');
    assert.deepEqual(first.harris, harris);
    const result = await harrisPreview({
      source: { kind: 'config', configPath },
      count: 4,
      harris,
      scales: [0.5, 1],
    });
    await send(p, { type: 'harris/result', requestId: first.requestId as number, result });
    await p.page.locator('.image-cell').first().waitFor();
    assert.equal(
      await p.page.locator('.image-cell img').count(),
      4 * 2 * 5,
      'images x scales x views',
    );

    const n = (await p.posted()).length;
    await p.page.$eval('input[aria-label="k"]', (input) => {
      const range = input as HTMLInputElement;
      range.value = '0.1';
      range.dispatchEvent(new Event('input'));
    });
    const second = await waitForPost(p, 'harris/request', n);
    assert.equal((second.harris as { k: number }).k, 0.1);
    await p.page.locator('vscode-button', { hasText: 'Write back to config' }).click();
    const back = await waitForPost(p, 'harris/writeBack');
    assert.equal((back.harris as { k: number }).k, 0.1);
    await p.page.screenshot({ path: join(ARTIFACTS, 'webview-harrisPreview.png'), fullPage: true });
    assertClean(p);
    await p.page.close();
  });
});

describe('attention maps webview', { skip }, () => {
  let runsDir: string;
  const runDirs: string[] = [];
  before(async () => {
    if (skip) return;
    await chooseBackend('wasm', {});
    runsDir = mkdtempSync(join(tmpdir(), 'scalenet-attention-'));
    for (const [name, seed] of [
      ['rotnet', 1],
      ['scalenet', 2],
    ] as const) {
      const config = resolveConfig(
        {
          name,
          data: { dataset: 'embedded', limit: 64 },
          model: { blocks: [1, 1], widths: [4, 8] },
        },
        join(runsDir, `${name}.scalenet.json`),
      );
      const dir = await createRunDir(runsDir, config);
      const model = buildModel(
        { arch: 'resnet', blocks: [1, 1], widths: [4, 8] },
        { inputChannels: 1, classes: 4, seed },
      );
      await saveCheckpoint(join(dir, 'checkpoints', 'stage1'), { model, state: { stage: 1 } });
      model.dispose();
      runDirs.push(dir);
    }
  });
  after(() => {
    if (runsDir) rmSync(runsDir, { recursive: true, force: true });
  });

  it('requests maps for the chosen runs and draws rows = runs, columns = stages', async () => {
    const p = await openPanel(browser, 'attentionMaps');
    await waitForPost(p, 'ready');
    await send(p, {
      type: 'attention/init',
      runs: runDirs.map((runDir, i) => ({
        runDir,
        label: i === 0 ? 'RotNet' : 'ScaleNet',
        stages: ['stage1', 'stage2'],
        method: 'rotnet',
      })),
    });
    await p.page.locator('vscode-button', { hasText: 'Compute' }).click();
    const asked = await waitForPost(p, 'attention/request');
    const request = asked.request as {
      runDirs: string[];
      images: { kind: 'dataset'; indices: number[] };
      stages: string[];
    };
    assert.deepEqual(request.runDirs, runDirs);
    assert.deepEqual(request.images.indices, [0, 1, 2, 3]);
    const rows = await Promise.all(
      runDirs.map(async (runDir, i) => ({
        runDir,
        label: i === 0 ? 'RotNet' : 'ScaleNet',
        result: await computeGradcam(
          { runDir, images: request.images, stages: request.stages },
          new Map(),
        ),
      })),
    );
    await send(p, { type: 'attention/result', requestId: asked.requestId as number, rows });
    await p.page.locator('canvas.heat').first().waitFor();
    assert.equal(await p.page.locator('canvas.heat').count(), 4 * 2 * 2, 'images x runs x stages');
    assert.equal(await p.page.locator('section.image-grid').count(), 4);
    assert.match(await p.page.locator('section.image-grid').first().innerText(), /\d+(\.\d)?%/);

    await p.page.$eval('input[aria-label="Opacity"]', (input) => {
      const range = input as HTMLInputElement;
      range.value = '0.8';
      range.dispatchEvent(new Event('input'));
    });
    assert.equal(
      await p.page
        .locator('canvas.heat')
        .first()
        .evaluate((c) => (c as HTMLElement).style.opacity),
      '0.8',
    );
    await p.page.locator('vscode-button', { hasText: 'Save grid as PNG' }).click();
    const saved = await waitForPost(p, 'export');
    const png = PNG.sync.read(Buffer.from(saved.data as string, 'base64'));
    assert.ok(png.width > 300 && png.height > 4 * 2 * 96, `${png.width}x${png.height}`);
    await p.page.screenshot({ path: join(ARTIFACTS, 'webview-attentionMaps.png'), fullPage: true });
    assertClean(p);
    await p.page.close();
  });
});
