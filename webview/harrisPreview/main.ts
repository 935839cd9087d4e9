/**
 * Harris preview: samples of the config's dataset at every scale of its chain, as each
 * input mode shows them; the detector's parameters are sliders that recompute through
 * the sidecar (`harris/preview`, via the host) a moment after they stop moving, and can
 * be written back into the config.
 */
import '../shared/panel.css';
import type { HarrisParams, HarrisPreviewResult } from '../../sidecar/protocol';
import { assertNever, SUPERSEDED, type HarrisChannel, type HarrisPreviewState } from '../protocol';
import { connect } from '../shared/host';
import { button, el, slider, statusLine, type Slider } from '../shared/ui';
import { renderGrid } from './grid';

/** Long enough to skip the values a drag passes through, short enough to feel live. */
const DEBOUNCE_MS = 150;

const host = connect<HarrisChannel>('harrisPreview');
let state: HarrisPreviewState | undefined = host.savedState();
let timer: ReturnType<typeof setTimeout> | undefined;
const status = statusLine();
const gridHost = el('div');
const toolbar = el('div', 'toolbar');
const sliders = new Map<keyof HarrisParams | 'count', Slider>();

function request(): void {
  if (!state) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (!state) return;
    status.set('Computing…');
    // Only the newest request matters while a slider moves: an older one is cancelled.
    host.requests
      .requestLatest('harris/preview', { harris: state.harris, count: state.count })
      .then(
        (result) => {
          if (result !== SUPERSEDED) show(result);
        },
        (error: Error) => status.set(error.message, true),
      );
  }, DEBOUNCE_MS);
}

function show(result: HarrisPreviewResult): void {
  gridHost.replaceChildren(renderGrid(result));
  status.set(
    `${result.dataset ?? 'files'}: ${result.images.length} images, scales ${result.scales.join(', ')}; ${result.elapsedMs.toFixed(0)} ms in the sidecar`,
  );
}

function change(patch: Partial<HarrisParams>, count?: number): void {
  if (!state) return;
  state = { ...state, harris: { ...state.harris, ...patch }, count: count ?? state.count };
  host.saveState(state);
  request();
}

function buildToolbar(s: HarrisPreviewState): void {
  const add = (key: keyof HarrisParams | 'count', made: Slider) => {
    sliders.set(key, made);
    toolbar.append(made.element);
  };
  add(
    'k',
    slider(
      'k',
      { min: 0.01, max: 0.2, step: 0.005, value: s.harris.k },
      (k) => change({ k }),
      (v) => v.toFixed(3),
    ),
  );
  add(
    'blockSize',
    slider('blockSize', { min: 1, max: 9, step: 1, value: s.harris.blockSize }, (blockSize) =>
      change({ blockSize }),
    ),
  );
  add(
    'ksize',
    slider('ksize', { min: 1, max: 7, step: 2, value: s.harris.ksize }, (ksize) =>
      change({ ksize }),
    ),
  );
  add(
    'threshold',
    slider(
      'threshold',
      { min: 0.001, max: 0.3, step: 0.001, value: s.harris.threshold },
      (threshold) => change({ threshold }),
      (v) => v.toFixed(3),
    ),
  );
  add(
    'count',
    slider('images', { min: 1, max: 32, step: 1, value: s.count }, (count) => change({}, count)),
  );
  toolbar.append(
    button('Write back to config', () => {
      if (state) host.post({ type: 'harris/writeBack', harris: state.harris });
    }),
  );
}

host.onMessage((message) => {
  switch (message.type) {
    case 'harris/init':
      // A restored panel keeps the user's slider values over the config's.
      state = state && state.configPath === message.state.configPath ? state : message.state;
      toolbar.replaceChildren();
      buildToolbar(state);
      host.saveState(state);
      request();
      break;
    case 'notice':
      status.set(message.message, message.level === 'error');
      break;
    default:
      assertNever(message);
  }
});

document.body.append(toolbar, status.element, gridHost);
host.post({ type: 'ready', panel: 'harrisPreview' });
