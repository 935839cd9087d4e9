/**
 * The webview panels in a real VS Code (the packaged .vsix in code-server): each
 * opened from its command beside the config, with its content checked inside the
 * webview's frame and a screenshot saved. Loss curves open while a run trains, so
 * live progress reaches the chart; attention maps and the representation map use that run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installExtension, startCodeServer } from './harness/codeServer.mjs';
import { packagedVsix } from './harness/extension.mjs';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readSummary, runFolders } from './harness/runStore.mjs';
import { createSandbox, TINY_CONFIG } from './harness/sandbox.mjs';
import { openFile, openWorkbench, poll, runCommand } from './harness/workbench.mjs';

const RUN_TIMEOUT_MS = 120_000;

/** The webview frame (VS Code nests the panel's page two iframes deep) that has `selector`. */
/**
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {string} what
 */
async function webviewFrame(page, selector, what) {
  return poll(
    async () => {
      for (const frame of page.frames()) {
        if (await frame.$(selector).catch(() => null)) return frame;
      }
      return undefined;
    },
    { timeoutMs: 60_000, what },
  );
}

describe('ScaleNet panels in a real VS Code (packaged .vsix in code-server)', () => {
  /** @type {import('./harness/sandbox.mjs').Sandbox} */ let sandbox;
  /** @type {import('./harness/codeServer.mjs').CodeServer | undefined} */ let server;
  /** @type {import('./harness/workbench.mjs').Workbench} */ let workbench;
  /** @type {import('playwright-core').Page} */ let page;
  /** The tiny run the loss-curves test trains; the later panels read its checkpoints. */
  /** @type {string} */ let trainedRun;

  before(async () => {
    const vsix = packagedVsix();
    sandbox = createSandbox('panels');
    installExtension(sandbox, vsix);
    server = await startCodeServer(sandbox);
    workbench = await openWorkbench(server.origin, sandbox.workspace, { label: 'panels' });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    sandbox?.remove();
  });

  it('"Preview Harris Images" shows the grid of the open config', async () => {
    await openFile(page, 'tiny.scalenet.json');
    await runCommand(page, 'ScaleNet: Preview Harris Images');
    const frame = await webviewFrame(page, '.image-cell img', 'the Harris grid');
    const cells = await frame.locator('.image-cell img').count();
    // 8 images (the panel's default) x 1 scale x 5 views.
    assert.equal(cells, 8 * 5);
    assert.match(await frame.locator('.status').innerText(), /embedded|fashion/i);
    await workbench.screenshot('harris-preview');
  });

  it('"Show Loss Curves" draws the run it is opened on, live', async () => {
    // One editor group again, so the config opens once and the panel goes beside it.
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'tiny.scalenet.json');
    await runCommand(page, 'ScaleNet: Train');
    const folder = await poll(() => runFolders(sandbox.workspace, TINY_CONFIG.name)[0], {
      timeoutMs: 60_000,
      what: 'the run folder',
    });
    await runCommand(page, 'ScaleNet: Show Loss Curves');
    const frame = await webviewFrame(
      page,
      'section.chart[data-metric="pretext/loss"]',
      'the loss chart',
    );
    await poll(() => readSummary(folder)?.status === 'completed', {
      timeoutMs: RUN_TIMEOUT_MS,
      what: 'the run to complete',
    });
    trainedRun = folder;
    const series = await frame
      .locator('section.chart[data-metric="pretext/loss"]')
      .getAttribute('data-series');
    assert.equal(series, '1');
    await workbench.screenshot('loss-curves');
  });

  it('"Open Attention Maps" computes Grad-CAM for the trained run', async () => {
    await runCommand(page, 'ScaleNet: Open Attention Maps');
    const frame = await webviewFrame(
      page,
      'input[aria-label="Opacity"]',
      'the attention-map toolbar',
    );
    await frame.locator('vscode-button', { hasText: 'Compute' }).click();
    try {
      await frame.locator('canvas.heat').first().waitFor({ timeout: 60_000 });
    } catch (error) {
      await workbench.screenshot('attention-maps-FAILED');
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nstatus: ${await frame.locator('.status').innerText()}`);
    }
    // 4 images (0-3) x 1 run x 2 stages.
    assert.equal(await frame.locator('canvas.heat').count(), 4 * 2);
    assert.match(await frame.locator('section.image-grid').first().innerText(), /\d+\.\d%/);
    await workbench.screenshot('attention-maps');
  });

  it('"Open Attention Maps" again reveals the one panel, its stage boxes ticked', async () => {
    const tabs = page.locator('.tabs-container .tab', { hasText: 'ScaleNet: Attention Maps' });
    assert.equal(await tabs.count(), 1);
    // Another group active, then the command: it must bring the open panel to the front.
    const activeTab = page.locator('.editor-group-container.active .tab.active');
    await runCommand(page, 'View: Focus First Editor Group');
    await poll(async () => !(await activeTab.innerText()).includes('Attention Maps'), {
      what: 'another editor group to be active',
    });
    await runCommand(page, 'ScaleNet: Open Attention Maps');
    await poll(async () => (await activeTab.innerText()).includes('ScaleNet: Attention Maps'), {
      what: 'the attention-maps panel to be revealed',
    });
    assert.equal(await tabs.count(), 1, 'still one attention-maps panel');
    const frame = await webviewFrame(page, 'fieldset vscode-checkbox', 'the stage boxes');
    const stages = frame
      .locator('fieldset', { has: frame.locator('legend', { hasText: 'Stages' }) })
      .locator('vscode-checkbox');
    const ticked = await stages.evaluateAll((boxes) =>
      boxes.map((b) => /** @type {HTMLElement & { checked: boolean }} */ (b).checked),
    );
    assert.deepEqual(ticked, [true, true]);
    await workbench.screenshot('attention-maps-revealed');
  });

  it('"Show Representation Map" draws one point per test image; hover shows the image', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'ScaleNet: Show Representation Map');
    // Opened from the palette with no run given: it asks which runs to map (many allowed).
    const widget = page.locator('.quick-input-widget');
    const row = widget.locator('.monaco-list-row', { hasText: basename(trainedRun) });
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    const frame = await webviewFrame(page, 'canvas[data-points]', 'the representation map');
    const canvas = frame.locator('canvas[data-points]');
    assert.equal(await canvas.count(), 1, 'one run, one map');
    // The run's evaluation test images (model/map caps them at 1000).
    /** @type {unknown} JSON.parse's any, read as the run's resolved config */
    const parsed = JSON.parse(readFileSync(join(trainedRun, 'config.json'), 'utf8'));
    const config = /** @type {{ evaluation: { testImages: number } }} */ (parsed);
    const expected = Math.min(config.evaluation.testImages, 1000);
    assert.equal(Number(await canvas.getAttribute('data-points')), expected);
    const caption = await frame.locator('.map-caption').innerText();
    assert.match(caption, new RegExp(`kNN accuracy \\d+\\.\\d% .* on ${expected} test images`));
    // A dot's centre: a pixel drawn exactly in one of the class colours (edges blend).
    const spot = await canvas.evaluate((node) => {
      const c = /** @type {HTMLCanvasElement} */ (node);
      const ratio = c.width / c.getBoundingClientRect().width;
      const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height);
      if (!pixels) return undefined;
      const { data } = pixels;
      const colours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948'].map((h) =>
        [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16)),
      );
      for (let p = 0; p < data.length; p += 4) {
        if (colours.some(([r, g, b]) => data[p] === r && data[p + 1] === g && data[p + 2] === b)) {
          const i = p / 4;
          return { x: (i % c.width) / ratio, y: Math.floor(i / c.width) / ratio };
        }
      }
      return undefined;
    });
    assert.ok(spot, 'a point drawn in a class colour');
    // The first such pixel is a dot's top edge: a pixel lower sits inside it.
    await canvas.hover({ position: { x: spot.x, y: spot.y + 2 } });
    const tooltip = frame.locator('.map-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await tooltip.innerText(), /^#\d+ · /);
    const image = tooltip.locator('img').first();
    assert.match((await image.getAttribute('src')) ?? '', /^data:image\//);
    await poll(
      () => image.evaluate((img) => /** @type {HTMLImageElement} */ (img).naturalWidth > 0),
      {
        what: 'the hovered image to load',
      },
    );
    await workbench.screenshot('representation-map');
  });
});
