/**
 * The three webviews, built (dist/webview), in real Chromium under the panels' CSP with
 * a stub host: what they draw from host messages, what they post back, screenshots in
 * test/e2e/artifacts/, and the time from a progress message to the chart drawing it.
 * The sidecar answers are real: harris/preview on the embedded set and gradcam/compute
 * on a run folder made here. Run: npm run build && node --import tsx --test test/webview/*.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { saveClassifier } from '../../sidecar/runs/classifierStore';
import type { AttentionRequest, MetricPoint } from '../../webview/protocol';
import {
  ARTIFACTS,
  launch,
  openPanel,
  ROOT,
  skipReason,
  type HostMessage,
  type PanelPage,
} from './browserPage';

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

describe('loss curves webview: what is smoothed and which time', { skip }, () => {
  it('draws the learning rate and sparse curves unsmoothed, the raw value first in the read-out, and offers both clocks', async () => {
    const p = await openPanel(browser, 'lossCurves');
    await waitForPost(p, 'ready');
    const lr = [0.1, 0.05, 0.05];
    const loss = Array.from({ length: 200 }, (_, i) => 1 + 0.5 * Math.sin(i) * Math.exp(-i / 50));
    await send(p, {
      type: 'lossCurves/history',
      runs: [
        {
          runId: 'r',
          label: 'run',
          points: [
            ...lr.map((value, i) => ({
              stage: 0,
              step: 10 * (i + 1),
              epoch: i + 1,
              metric: 'lr',
              value,
              time: 1.7e12 + i * 1000,
            })),
            ...loss.map((value, i) => ({
              stage: 0,
              step: i + 1,
              epoch: (i + 1) / 100,
              metric: 'pretext/loss',
              value,
              time: 1.7e12 + i * 10,
            })),
          ],
          stages: [{ stage: 0, scale: 1, steps: 0, epochs: 0 }],
        },
      ],
    });
    /** Hovers the middle of a chart and returns its read-out. */
    const hover = async (metric: string, fraction: number) => {
      const chart = p.page.locator(`section.chart[data-metric="${metric}"]`);
      const over = chart.locator('.u-over');
      await over.waitFor();
      const box = (await over.boundingBox())!;
      await p.page.mouse.move(box.x + fraction * box.width, box.y + box.height / 2);
      await p.page.waitForTimeout(50);
      return chart.locator('.readout').innerText();
    };
    // The middle lr point is 0.05: the read-out says 0.05 and nothing smoothed.
    const lrText = await hover('lr', 0.5);
    assert.match(lrText, /^step 20\.000 · run: 0\.05000$/);
    // A dense loss is smoothed: its logged value first, then the smoothed line's.
    const lossText = await hover('pretext/loss', 0.5);
    const m = /^step (\d+)\.?\d* · run: ([\d.]+) \(smoothed ([\d.]+)\)$/.exec(lossText);
    assert.ok(m, lossText);
    assert.equal(Number(m[2]).toPrecision(4), loss[Number(m[1]) - 1].toPrecision(4));
    assert.notEqual(m[2], m[3]);

    const axisOptions = await p.page
      .locator('vscode-dropdown')
      .first()
      .locator('vscode-option')
      .allTextContents();
    assert.deepEqual(axisOptions, [
      'Step',
      'Epoch',
      'Training time (pauses left out)',
      'Wall-clock time',
    ]);
    await p.page
      .locator('vscode-dropdown')
      .first()
      .evaluate((d) => {
        (d as HTMLElement & { value: string }).value = 'wallTime';
        d.dispatchEvent(new Event('change'));
      });
    const clock = await hover('lr', 0.5);
    assert.match(clock, /^clock time .*2023.* · run: 0\.05000$/);
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
    const first = await waitForPost(p, 'harris/preview');
    assert.deepEqual((first.params as { harris: unknown }).harris, harris);
    const result = await harrisPreview({
      source: { kind: 'config', configPath },
      count: 4,
      harris,
      scales: [0.5, 1],
    });
    await send(p, { type: 'reply', inReplyTo: first.messageId as number, result });
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
    const second = await waitForPost(p, 'harris/preview', n);
    assert.equal((second.params as { harris: { k: number } }).harris.k, 0.1);
    await p.page.locator('vscode-button', { hasText: 'Write back to config' }).click();
    const back = await waitForPost(p, 'harris/writeBack');
    assert.equal((back.harris as { k: number }).k, 0.1);
    await p.page.screenshot({ path: join(ARTIFACTS, 'webview-harrisPreview.png'), fullPage: true });
    assertClean(p);
    await p.page.close();
  });
});

const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

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
    // RotNet's run also kept the classifier it fine-tuned on 50 labels (not trained here).
    const indices = Array.from({ length: 64 }, (_, i) => i);
    writeFileSync(
      join(runDirs[0], 'subset.json'),
      JSON.stringify({ version: 1, indices, heldOut: [] }),
    );
    const classifier = buildModel(
      { arch: 'resnet', blocks: [1, 1], widths: [4, 8] },
      { inputChannels: 1, classes: 10, seed: 3 },
    );
    await saveClassifier(runDirs[0], {
      labels: 50,
      model: classifier,
      classNames: CLASSES,
      stats: { mean: [70], std: [80] },
      inputSize: 28,
      channels: 1,
      testAccuracy: 0.5,
      trainIndices: indices.slice(0, 50),
    });
    classifier.dispose();
  });
  after(() => {
    if (runsDir) rmSync(runsDir, { recursive: true, force: true });
  });

  /** The panel, given the two runs (RotNet, ScaleNet) with stages 1 and 2. */
  async function openWithRuns(): Promise<PanelPage> {
    const p = await openPanel(browser, 'attentionMaps');
    await waitForPost(p, 'ready');
    await send(p, {
      type: 'attention/init',
      runs: runDirs.map((runDir, i) => ({
        runDir,
        label: i === 0 ? 'RotNet' : 'ScaleNet',
        stages: ['stage1', 'stage2'],
        method: 'rotnet',
        classifiers:
          i === 0 ? [{ labels: 50, classNames: CLASSES, testAccuracy: 0.5, inputSize: 28 }] : [],
      })),
    });
    return p;
  }

  /** The options of the toolbar's dropdown labelled `label`. */
  const dropdownNamed = (p: PanelPage, label: string) =>
    p.page.locator('label.control', { hasText: label }).locator('vscode-dropdown');
  async function choose(p: PanelPage, label: string, value: string): Promise<void> {
    await dropdownNamed(p, label).evaluate((d, v) => {
      (d as HTMLElement & { value: string }).value = v;
      d.dispatchEvent(new Event('change'));
    }, value);
  }

  it('explains the kept classifier: network and class picked, the row names both (#13 item 17)', async () => {
    const p = await openWithRuns();
    const options = (label: string) =>
      dropdownNamed(p, label).locator('vscode-option').allTextContents();
    assert.deepEqual(await options('Network'), [
      'pretext network (rotation head)',
      'classifier fine-tuned on 50 labels',
    ]);
    assert.deepEqual(await options('Target'), [
      'predicted rotation',
      'rotation 0°',
      'rotation 90°',
      'rotation 180°',
      'rotation 270°',
    ]);
    await choose(p, 'Network', 'classifier@50');
    // The targets follow the network: its class names.
    assert.deepEqual(await options('Target'), ['predicted class', ...CLASSES]);
    await choose(p, 'Target', 'class:seven');
    const n = (await p.posted()).length;
    await p.page.locator('vscode-button', { hasText: 'Compute' }).click();
    const asked = (await waitForPost(p, 'attention/compute', n)) as {
      messageId: number;
      params: AttentionRequest;
    };
    assert.equal(asked.params.model, 'classifier');
    assert.equal(asked.params.labels, 50);
    assert.equal(asked.params.targetClass, 'seven');
    const result = await computeGradcam(
      {
        runDir: runDirs[0],
        images: asked.params.images,
        stages: asked.params.stages,
        model: asked.params.model,
        labels: asked.params.labels,
        targetClass: asked.params.targetClass,
      },
      new Map(),
    );
    assert.deepEqual(result.classNames, CLASSES);
    await send(p, {
      type: 'reply',
      inReplyTo: asked.messageId,
      result: [{ runDir: runDirs[0], label: 'RotNet', result }],
    });
    await p.page.locator('canvas.heat').first().waitFor();
    const sections = await p.page.locator('section.image-grid').allInnerTexts();
    assert.equal(sections.length, 4);
    for (const [i, text] of sections.entries()) {
      assert.match(text, /classifier, 50 labels/);
      // Each row says what the classifier predicted, and that the maps are of "seven".
      const predicted = result.images[i].predicted.name;
      assert.match(text, predicted === 'seven' ? /seven \d/ : /maps of seven/);
    }
    await p.page.screenshot({
      path: join(ARTIFACTS, 'webview-attentionMaps-classifier.png'),
      fullPage: true,
    });
    assertClean(p);
    await p.page.close();
  });

  it('requests maps for the chosen runs and draws rows = runs, columns = stages', async () => {
    const p = await openWithRuns();
    await p.page.locator('vscode-button', { hasText: 'Compute' }).click();
    const asked = await waitForPost(p, 'attention/compute');
    const request = asked.params as {
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
    await send(p, { type: 'reply', inReplyTo: asked.messageId as number, result: rows });
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

  it('ticks the stages it computes, draws a JET colour bar, offers Grad-CAM++ and selects the runs it is reopened on', async () => {
    const p = await openWithRuns();
    const boxes = (legend: string) =>
      p.page
        .locator('fieldset', { has: p.page.locator('legend', { hasText: legend }) })
        .locator('vscode-checkbox');
    const ticked = (legend: string) =>
      boxes(legend).evaluateAll((all) =>
        all.map((c) => (c as HTMLElement & { checked: boolean }).checked),
      );
    // Every stage is computed when none was picked: the boxes say so.
    assert.deepEqual(await ticked('Stages'), [true, true]);
    const compute = async () => {
      const n = (await p.posted()).length;
      await p.page.locator('vscode-button', { hasText: 'Compute' }).click();
      return (await waitForPost(p, 'attention/compute', n)) as {
        messageId: number;
        params: {
          runDirs: string[];
          stages: string[];
          method: string;
          images: { kind: 'dataset'; indices: number[] };
        };
      };
    };
    assert.deepEqual((await compute()).params.stages, ['stage1', 'stage2']);
    await boxes('Stages').first().click();
    assert.deepEqual(await ticked('Stages'), [false, true]);
    assert.deepEqual((await compute()).params.stages, ['stage2']);

    // The colour bar: JET from its published definition, dark blue (0) to dark red (1).
    // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
    const ends = await p.page.locator('.colorbar canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      return [0, Math.floor(canvas.width / 2), canvas.width - 1].map((x) => [
        ...ctx.getImageData(x, 0, 1, 1).data.slice(0, 3),
      ]);
    });
    assert.deepEqual(ends[0], [0, 0, 128]);
    assert.deepEqual(ends[2], [128, 0, 0]);
    assert.ok(ends[1][1] === 255, `green at the middle: ${ends[1].join(',')}`);
    assert.match(
      (await p.page.locator('.colorbar canvas').getAttribute('aria-label')) ?? '',
      /0.*1/,
    );

    // Both methods of the sidecar's contract, and the maps named by the one computed.
    const dropdown = p.page.locator('vscode-dropdown').first();
    assert.deepEqual(await dropdown.locator('vscode-option').allTextContents(), [
      'Grad-CAM',
      'Grad-CAM++',
    ]);
    await dropdown.evaluate((d) => {
      (d as HTMLElement & { value: string }).value = 'gradcam++';
      d.dispatchEvent(new Event('change'));
    });
    const asked = await compute();
    assert.equal(asked.params.method, 'gradcam++');
    const result = await computeGradcam(
      {
        runDir: runDirs[0],
        images: { kind: 'dataset', indices: [0] },
        stages: asked.params.stages,
        method: 'gradcam++',
      },
      new Map(),
    );
    assert.equal(result.method, 'gradcam++');
    await send(p, {
      type: 'reply',
      inReplyTo: asked.messageId,
      result: [{ runDir: runDirs[0], label: 'RotNet', result }],
    });
    await p.page.locator('canvas.heat').first().waitFor();
    assert.match(
      (await p.page.locator('canvas.heat').first().getAttribute('aria-label')) ?? '',
      /stage2 Grad-CAM\+\+ of #0/,
    );

    // Opened again on one run: that run is selected (the host revealed this panel).
    await send(p, { type: 'attention/select', runDirs: [runDirs[1]] });
    await p.page.waitForFunction(() => true);
    assert.deepEqual(await ticked('Runs'), [false, true]);
    assert.deepEqual((await compute()).params.runDirs, [runDirs[1]]);
    await p.page.screenshot({
      path: join(ARTIFACTS, 'webview-attentionMaps-controls.png'),
      fullPage: true,
    });
    assertClean(p);
    await p.page.close();
  });
});
