/**
 * Issue 6: every panel "keyboard accessible, readable in light, dark and high-contrast
 * themes", measured. Each built panel is opened with representative content under the
 * `--vscode-*` variables of VS Code's Dark Modern, Light Modern and Dark High Contrast
 * themes (browserPage.ts), then
 *  - readability: for every visible text (DOM text nodes, shadow DOM of the UI toolkit
 *    included, form controls' own text, and the charts' canvas text) the WCAG 2 contrast
 *    ratio of its computed colour (opacity and alpha composited) against the effective
 *    background (walking up to the first opaque one) is at least 4.5;
 *  - keyboard: Tab visits every control (sliders, buttons, checkboxes, dropdowns, text
 *    and file inputs, legend buttons) in document order, and each shows a focus
 *    indicator in the theme's focusBorder colour that it does not show unfocused.
 * Screenshots: test/e2e/artifacts/webview/themes-<panel>-<theme>.png.
 * Run: npm run build && node --import tsx --test test/webview/themes.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import type { HarrisPreviewResult } from '../../sidecar/protocol';
import type { AttentionRow, MetricPoint } from '../../webview/protocol';
import {
  ARTIFACTS,
  launch,
  openPanel,
  skipReason,
  THEMES,
  type HostMessage,
  type PanelPage,
  type ThemeName,
} from './browserPage';

const skip = skipReason();
let browser: Browser;
const report: string[] = [];

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (report.length > 0) console.log(report.join('\n'));
});

interface TextSample {
  text: string;
  where: string;
  fg: string;
  bg: string;
  ratio: number;
}

interface FocusSample {
  id: string;
  where: string;
  indicator: string;
}

/*
 * The in-page code is plain JavaScript in strings (page.evaluate of a string), so that
 * no helper the TypeScript loader adds to functions ends up in the browser.
 */
const HELPERS = `
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return undefined;
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const parentOf = (e) => {
    if (e.parentElement) return e.parentElement;
    const root = e.getRootNode();
    return root instanceof ShadowRoot ? root.host : null;
  };
  const background = (e) => {
    const layers = [];
    for (let n = e; n; n = parentOf(n)) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let bg = [255, 255, 255, 1]; // a webview with no background shows white
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg;
  };
  const opacity = (e) => {
    let o = 1;
    for (let n = e; n; n = parentOf(n)) o *= Number(getComputedStyle(n).opacity);
    return o;
  };
  const luminance = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const describe = (e) => {
    const parts = [];
    for (let n = e; n && parts.length < 3; n = parentOf(n))
      parts.unshift(n.tagName.toLowerCase() + (n.classList.length ? '.' + [...n.classList].join('.') : ''));
    return parts.join(' > ');
  };
  /** A CSS colour value (e.g. var(--vscode-focusBorder)) as the browser resolves it. */
  const resolve = (value) => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.append(probe);
    const c = parse(getComputedStyle(probe).color);
    probe.remove();
    return c;
  };
  const CONTROLS =
    'input:not([type=hidden]), button, select, textarea, a[href], vscode-button, vscode-checkbox, ' +
    'vscode-dropdown, vscode-text-field, [tabindex]:not([tabindex="-1"])';
  const deepActive = () => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };
  const family = (e) => [e, ...(e.shadowRoot ? e.shadowRoot.querySelectorAll('*') : [])];
  const focusLook = (e) =>
    family(e).map((n) => {
      const s = getComputedStyle(n);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineColor + ' ' + s.outlineStyle : 'none';
      return { outline, shadow: s.boxShadow, border: [s.borderTopColor, s.borderRightColor, s.borderBottomColor, s.borderLeftColor].join(' ') };
    });
`;

/** Every visible text with its colour, background and contrast ratio. */
const TEXTS = `(() => {
  ${HELPERS}
  const out = [];
  const sample = (e, text, fgColor) => {
    const bg = background(e);
    const raw = fgColor ?? parse(getComputedStyle(e).color);
    const fg = over([raw[0], raw[1], raw[2], raw[3] * opacity(e)], bg);
    out.push({ text: text.slice(0, 40), where: describe(e), fg: hex(fg), bg: hex(bg), ratio: contrast(fg, bg) });
  };
  const walk = (root) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const text = n.textContent.trim();
        const parent = n.parentElement;
        if (!text || !parent || ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        if ([...range.getClientRects()].every((r) => r.width === 0 || r.height === 0)) continue;
        // Slotted text takes its style from the slot it is rendered in, not its light-DOM parent.
        sample(n.assignedSlot ?? parent, text);
        continue;
      }
      if (n.shadowRoot) walk(n.shadowRoot);
      const r = n.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (n.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'hidden'].includes(n.type))
        sample(n, n.type === 'file' ? 'file input' : n.value || n.placeholder || 'input');
      if (n.tagName === 'INPUT' && n.type === 'file') {
        const button = getComputedStyle(n, '::file-selector-button');
        const under = background(n);
        const own = parse(button.backgroundColor);
        const bg = own ? over(own, under) : under;
        const raw = parse(button.color);
        const fg = over([raw[0], raw[1], raw[2], raw[3] * opacity(n)], bg);
        out.push({ text: 'file input button', where: describe(n) + '::file-selector-button', fg: hex(fg), bg: hex(bg), ratio: contrast(fg, bg) });
      }
      if (n.tagName === 'CANVAS' && n.closest('section.chart')) {
        // uPlot draws the axis values, axis label and stage labels in --vscode-foreground.
        const fg = resolve('var(--vscode-foreground)');
        const ctx = n.getContext('2d');
        const data = ctx.getImageData(0, 0, n.width, n.height).data;
        let drawn = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i + 3] === 255 && data[i] === fg[0] && data[i + 1] === fg[1] && data[i + 2] === fg[2]) drawn++;
        if (drawn > 20) sample(n, 'chart axis text (canvas)', fg);
        else out.push({ text: 'chart axis text (canvas)', where: describe(n), fg: 'not drawn in --vscode-foreground', bg: '', ratio: 0 });
      }
    }
  };
  walk(document.body);
  return out;
})()`;

/** Numbers the controls in document order and records how each looks unfocused. */
const MARK_CONTROLS = `(() => {
  ${HELPERS}
  if (document.activeElement) document.activeElement.blur();
  const controls = [...document.querySelectorAll(CONTROLS)].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !e.hasAttribute('disabled');
  });
  window.__unfocused = {};
  return controls.map((e, i) => {
    e.dataset.a11y = String(i);
    window.__unfocused[i] = focusLook(e);
    const kind = e.tagName.toLowerCase() + (e.tagName === 'INPUT' ? '.' + e.type : '');
    return { id: String(i), where: describe(e), kind };
  });
})()`;

/** The control that has focus now, and the focus indicator it shows (or 'none'). */
const FOCUSED = `(() => {
  ${HELPERS}
  const host = document.activeElement;
  if (!host || host === document.body) return { id: '', where: 'body', indicator: 'none' };
  const ring = resolve('var(--vscode-focusBorder)');
  const ringColor = 'rgb(' + ring.slice(0, 3).join(', ') + ')';
  const before = window.__unfocused[host.dataset.a11y] ?? [];
  const now = focusLook(host);
  const shown = [];
  now.forEach((look, i) => {
    const was = before[i] ?? { outline: 'none', shadow: 'none', border: '' };
    if (look.outline !== was.outline && look.outline.startsWith(ringColor)) shown.push('outline ' + look.outline);
    if (look.shadow !== was.shadow && look.shadow.includes(ringColor)) shown.push('box-shadow ' + look.shadow);
    if (look.border !== was.border && look.border.includes(ringColor)) shown.push('border ' + ringColor);
  });
  return { id: host.dataset.a11y ?? '', where: describe(deepActive() ?? host), indicator: shown[0] ?? 'none' };
})()`;

/** The first message of `type` the webview posted (waits for it). */
async function waitForPost(p: PanelPage, type: string): Promise<Record<string, unknown>> {
  const handle = await p.page.waitForFunction(
    (t) =>
      (window as unknown as { __posted: { type: string }[] }).__posted.find((m) => m.type === t),
    type,
  );
  return (await handle.jsonValue()) as Record<string, unknown>;
}

/** A w x h gray gradient as PNG base64, standing in for a dataset image. */
function png(w: number, h: number, shade = 0): string {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = 4 * (y * w + x);
      const v = (x * 7 + y * 5 + shade) % 256;
      img.data.set([v, v, v, 255], i);
    }
  return PNG.sync.write(img).toString('base64');
}

function points(metric: string, n: number, level: number): MetricPoint[] {
  return Array.from({ length: 2 * n }, (_, i) => ({
    stage: i < n ? 0 : 1,
    step: (i % n) + 1,
    epoch: ((i % n) + 1) / 10,
    metric,
    value: level * Math.exp(-i / n) + 0.2 + 0.05 * Math.sin(i),
    time: 1.7e12 + i * 500,
  }));
}

const lossCurves: HostMessage = {
  type: 'lossCurves/history',
  runs: [
    {
      runId: 'rotnet',
      label: 'RotNet',
      points: [...points('pretext/loss', 200, 1.2), ...points('knn/accuracy', 20, -0.1)],
      stages: [{ stage: 1, steps: 200, epochs: 20, scale: 1 }],
    },
    {
      runId: 'scalenet',
      label: 'ScaleNet',
      points: [...points('pretext/loss', 200, 1.0), ...points('knn/accuracy', 20, -0.15)],
      stages: [{ stage: 1, steps: 200, epochs: 20, scale: 1 }],
    },
  ],
};

function harrisResult(): HarrisPreviewResult {
  const scales = [0.5, 1];
  return {
    harris: { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 },
    scales,
    dataset: 'fashion-mnist',
    split: 'train',
    elapsedMs: 42,
    images: [0, 1].map((index) => ({
      index,
      label: index,
      className: ['T-shirt', 'Trouser'][index],
      corners: 17 + index,
      scales: scales.map((scale) => {
        const size = 28 * scale;
        const image = png(size, size, index * 40);
        return {
          scale,
          width: size,
          height: size,
          corners: 9 + index,
          original: image,
          overlay: image,
          harris: image,
          gray: image,
          grayHarris: image,
          mask: image,
        };
      }),
    })),
  };
}

function attentionRows(): AttentionRow[] {
  const size = 32;
  const stages = ['stage1', 'stage2'];
  return ['RotNet', 'ScaleNet'].map((label, r) => ({
    runDir: `/runs/${label.toLowerCase()}`,
    label,
    result: {
      runDir: `/runs/${label.toLowerCase()}`,
      checkpoint: `/runs/${label.toLowerCase()}/checkpoints/stage1`,
      scale: 1,
      inputSize: size,
      method: 'gradcam',
      classNames: ['0°', '90°', '180°', '270°'],
      stages,
      elapsedMs: 12,
      images: [0, 1].map((index) => ({
        index,
        label: index,
        className: ['T-shirt', 'Trouser'][index],
        width: size,
        height: size,
        image: png(size, size, 30 * index),
        predicted: { index: r, name: `${90 * r}°`, probability: 0.8 - 0.1 * index },
        target: { index: r, name: `${90 * r}°`, probability: 0.8 - 0.1 * index },
        maps: stages.map((stage, s) => ({
          stage,
          camHeight: size,
          camWidth: size,
          cam: Array.from({ length: size * size }, (_, i) => ((i % size) + s * 8) / (size + 8)),
          overlay: png(size, size),
          gradientMeanAbs: 0.1,
        })),
      })),
    },
  }));
}

/** Opens `panel` in `theme` and gives it content; resolves once the content is drawn. */
const PANELS: Record<string, (p: PanelPage) => Promise<void>> = {
  lossCurves: async (p) => {
    await waitForPost(p, 'ready');
    await p.send(lossCurves);
    await p.page.locator('section.chart[data-metric="knn/accuracy"] canvas').waitFor();
  },
  harrisPreview: async (p) => {
    await waitForPost(p, 'ready');
    await p.send({
      type: 'harris/init',
      state: {
        configPath: '/work/x.scalenet.json',
        harris: { blockSize: 2, ksize: 3, k: 0.04, threshold: 0.01 },
        count: 2,
      },
      scales: [0.5, 1],
    } satisfies HostMessage);
    const asked = await waitForPost(p, 'harris/preview');
    await p.send({
      type: 'reply',
      inReplyTo: asked.messageId as number,
      result: harrisResult(),
    } satisfies HostMessage);
    await p.page.locator('.image-cell').first().waitFor();
  },
  attentionMaps: async (p) => {
    await waitForPost(p, 'ready');
    const rows = attentionRows();
    await p.send({
      type: 'attention/init',
      runs: rows.map((r) => ({
        runDir: r.runDir,
        label: r.label,
        stages: ['stage1', 'stage2'],
        method: 'rotnet',
        classifiers: [],
      })),
    } satisfies HostMessage);
    // A click event, not the mouse: a mouse click would move the Tab starting point (and hover).
    await p.page.locator('vscode-button', { hasText: 'Compute' }).dispatchEvent('click');
    const asked = await waitForPost(p, 'attention/compute');
    await p.send({
      type: 'reply',
      inReplyTo: asked.messageId as number,
      result: rows,
    } satisfies HostMessage);
    await p.page.locator('canvas.heat').first().waitFor();
  },
};

/** Controls each panel must offer to the keyboard (at least). */
const REQUIRED: Record<string, string[]> = {
  lossCurves: ['input.range', 'vscode-dropdown', 'vscode-checkbox', 'vscode-button'],
  harrisPreview: ['input.range', 'vscode-button'],
  attentionMaps: ['vscode-checkbox', 'vscode-text-field', 'vscode-dropdown', 'vscode-button'],
};

for (const [panel, fill] of Object.entries(PANELS)) {
  describe(`${panel} webview in every theme`, { skip }, () => {
    for (const theme of Object.keys(THEMES) as ThemeName[]) {
      it(`${THEMES[theme].name}: text contrast >= 4.5 and every control reachable by Tab with a visible focus`, async () => {
        const started = Date.now();
        const p = await openPanel(browser, panel, undefined, theme);
        await fill(p);
        await p.page.waitForTimeout(50); // one frame for the charts
        await p.page.screenshot({
          path: join(ARTIFACTS, `themes-${panel}-${theme}.png`),
          fullPage: true,
        });

        const texts = await p.page.evaluate<TextSample[]>(TEXTS);
        assert.ok(texts.length > 10, `${texts.length} texts found`);
        if (process.env.SCALENET_A11Y_VERBOSE) console.log(panel, theme, texts);
        const low = texts.filter((t) => !(t.ratio >= 4.5));
        const worst = texts.reduce((a, b) => (b.ratio < a.ratio ? b : a));

        const controls =
          await p.page.evaluate<{ id: string; where: string; kind: string }[]>(MARK_CONTROLS);
        const visited: FocusSample[] = [];
        for (let i = 0; i < controls.length + 1; i++) {
          await p.page.keyboard.press('Tab');
          visited.push(await p.page.evaluate<FocusSample>(FOCUSED));
        }
        report.push(
          `${panel} / ${THEMES[theme].name}: ${texts.length} texts, min contrast ${worst.ratio.toFixed(2)} ` +
            `("${worst.text}" ${worst.fg} on ${worst.bg}, ${worst.where}); ` +
            `${controls.length} controls by Tab; ${Date.now() - started} ms`,
        );

        assert.deepEqual(
          low.map((t) => `${t.ratio.toFixed(2)} "${t.text}" ${t.fg} on ${t.bg} (${t.where})`),
          [],
          'texts under 4.5:1',
        );
        const kinds = new Set(controls.map((c) => c.kind));
        for (const required of REQUIRED[panel])
          assert.ok(
            kinds.has(required),
            `${required} among the Tab stops: ${[...kinds].join(', ')}`,
          );
        assert.deepEqual(
          visited.slice(0, controls.length).map((v) => v.id),
          controls.map((c) => c.id),
          `Tab order:\n${visited.map((v) => v.where).join('\n')}\nexpected:\n${controls.map((c) => c.where).join('\n')}`,
        );
        assert.deepEqual(
          visited
            .slice(0, controls.length)
            .filter((v) => v.indicator === 'none')
            .map((v) => v.where),
          [],
          'controls without a visible focus indicator in --vscode-focusBorder',
        );
        assert.deepEqual(p.errors, [], 'console errors or CSP violations');
        await p.page.close();
      });
    }
  });
}
