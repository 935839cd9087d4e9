/**
 * The representation map webview in real Chromium under the panels' CSP: maps computed
 * by `model/map`'s code on two real run folders, drawn side by side, one point per test
 * image, a kNN caption, hover showing the image and its neighbours, PNG export.
 * Run: npm run build && node --import tsx --test test/webview/representationMap.test.ts
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
import { representationMap } from '../../sidecar/export/representationMap';
import { buildModel } from '../../sidecar/models/buildModel';
import type { ModelMapResult } from '../../sidecar/protocol';
import { saveCheckpoint } from '../../sidecar/runs/checkpoint';
import { createRunDir } from '../../sidecar/runs/runStore';
import { pixelOf, pointAt } from '../../webview/representationMap/draw';
import { ARTIFACTS, launch, openPanel, skipReason, type HostMessage } from './browserPage';

const skip = skipReason();
const TEST_IMAGES = 80;

describe('representation map webview', { skip }, () => {
  let browser: Browser;
  let runsDir: string;
  const maps: ModelMapResult[] = [];
  before(async () => {
    if (skip) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    await chooseBackend('wasm', {});
    runsDir = mkdtempSync(join(tmpdir(), 'scalenet-mapview-'));
    for (const [name, method, scales, seed] of [
      ['rotnet', 'rotnet', [1], 1],
      ['scalenet', 'scalenet', [0.5, 1], 2],
    ] as const) {
      const config = resolveConfig(
        {
          name,
          method,
          data: { dataset: 'embedded', limit: 64 },
          model: { blocks: [1, 1], widths: [4, 8] },
          pretext: { scales, epochs: [1], lr: [0.1] },
          evaluation: { testImages: TEST_IMAGES },
        },
        join(runsDir, `${name}.scalenet.json`),
      );
      const dir = await createRunDir(runsDir, config);
      const indices = Array.from({ length: 64 }, (_, i) => i);
      writeFileSync(join(dir, 'subset.json'), JSON.stringify({ version: 1, indices, heldOut: [] }));
      const model = buildModel(
        { arch: 'resnet', blocks: [1, 1], widths: [4, 8] },
        { inputChannels: 1, classes: 4, seed },
      );
      await saveCheckpoint(join(dir, 'checkpoints', 'stage1'), { model, state: {} });
      model.dispose();
      maps.push(await representationMap({ runDir: dir }));
    }
  });
  after(async () => {
    await browser?.close();
    if (runsDir) rmSync(runsDir, { recursive: true, force: true });
  });

  it('draws one point per test image for each run, hover shows the image, exports a PNG', async () => {
    const p = await openPanel(browser, 'representationMap');
    await p.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some(
        (m) => m.type === 'ready',
      ),
    );
    // The host names the runs; the webview asks for their maps and draws what comes back.
    const state = { runDirs: maps.map((m) => m.runDir) };
    await p.send({ type: 'map/init', state } satisfies HostMessage);
    const asked = await p.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.find(
        (m) => m.type === 'map/compute',
      ),
    );
    const request = (await asked.jsonValue()) as unknown as {
      messageId: number;
      params: { runDirs: string[] };
    };
    assert.deepEqual(request.params.runDirs, state.runDirs);
    const rows = maps.map((map) => ({ runDir: map.runDir, map }));
    await p.send({
      type: 'reply',
      inReplyTo: request.messageId,
      result: rows,
    } satisfies HostMessage);
    const canvases = p.page.locator('canvas');
    await canvases.nth(1).waitFor();
    assert.equal(await canvases.count(), 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(await canvases.nth(i).getAttribute('data-points'), String(TEST_IMAGES));
    }
    const captions = await p.page.locator('.map-caption').allTextContents();
    assert.equal(captions.length, 2);
    const knn = (maps[0].stages.at(-1)!.knnAccuracy * 100).toFixed(1);
    assert.match(captions[0], new RegExp(`stage2: kNN accuracy ${knn}% \\(k = 5`));

    // Hover the first run's point 7: its tooltip shows that image and its neighbours.
    const stage = maps[0].stages.at(-1)!;
    const [x, y] = pixelOf(stage.points[7]);
    const expected = pointAt(stage, x, y)!;
    const box = (await canvases.nth(0).boundingBox())!;
    await p.page.mouse.move(box.x + x, box.y + y);
    const tooltip = p.page.locator('.map-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    assert.equal(await tooltip.getAttribute('data-index'), String(expected));
    const images = tooltip.locator('img');
    assert.equal(await images.count(), 1 + stage.neighbours[expected].length);
    assert.equal(await images.nth(0).getAttribute('src'), maps[0].thumbnails[expected]);
    assert.equal(
      await images.nth(1).getAttribute('src'),
      maps[0].thumbnails[stage.neighbours[expected][0]],
    );
    await p.page.screenshot({
      path: join(ARTIFACTS, 'webview-representationMap.png'),
      fullPage: true,
    });

    await p.page.locator('vscode-button', { hasText: 'Export PNG' }).click();
    const exported = await p.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.find(
        (m) => m.type === 'export',
      ),
    );
    const message = (await exported.jsonValue()) as unknown as { format: string; data: string };
    assert.equal(message.format, 'png');
    const png = PNG.sync.read(Buffer.from(message.data, 'base64'));
    assert.ok(png.width >= 2 * 360 && png.height >= 360, `${png.width}x${png.height}`);
    assert.deepEqual(p.errors, [], 'console errors or CSP violations');
  });
});
