/**
 * Harris preview: samples of the config's dataset at every scale of its chain, as each
 * input mode shows them; the detector's parameters are sliders that recompute through
 * the sidecar (`harris/preview`, via the host) a moment after they stop moving, and can
 * be written back into the config.
 */
import '../shared/panel.css';
import type { HarrisParams } from '../../sidecar/protocol';
import { assertNever, type HarrisPreviewState } from '../protocol';
import { onHostMessage, post, savedState, saveState } from '../shared/host';
import { button, el, slider, statusLine, type Slider } from '../shared/ui';
import { renderGrid } from './grid';

/** Long enough to skip the values a drag passes through, short enough to feel live. */
const DEBOUNCE_MS = 150;

const saved = savedState();
let state: HarrisPreviewState | undefined =
  saved?.panel === 'harrisPreview' ? saved.state : undefined;
let latestRequest = 0;
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
    latestRequest++;
    status.set('Computing…');
    post({
      type: 'harris/request',
      requestId: latestRequest,
      harris: state.harris,
      count: state.count,
    });
  }, DEBOUNCE_MS);
}

function change(patch: Partial<HarrisParams>, count?: number): void {
  if (!state) return;
  state = { ...state, harris: { ...state.harris, ...patch }, count: count ?? state.count };
  saveState({ panel: 'harrisPreview', state });
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
      if (state) post({ type: 'harris/writeBack', harris: state.harris });
    }),
  );
}

onHostMessage((message) => {
  switch (message.type) {
    case 'harris/init':
      // A restored panel keeps the user's slider values over the config's.
      state = state && state.configPath === message.state.configPath ? state : message.state;
      toolbar.replaceChildren();
      buildToolbar(state);
      saveState({ panel: 'harrisPreview', state });
      request();
      break;
    case 'harris/result':
      if (message.requestId !== latestRequest) break; // a newer request is on its way
      gridHost.replaceChildren(renderGrid(message.result));
      status.set(
        `${message.result.dataset ?? 'files'}: ${message.result.images.length} images, scales ${message.result.scales.join(', ')}; ${message.result.elapsedMs.toFixed(0)} ms in the sidecar`,
      );
      break;
    case 'harris/error':
      if (message.requestId === latestRequest) status.set(message.message, true);
      break;
    case 'notice':
      status.set(message.message, message.level === 'error');
      break;
    case 'lossCurves/history':
    case 'lossCurves/append':
    case 'attention/init':
    case 'attention/result':
    case 'attention/progress':
    case 'map/show':
      break; // other panels' messages
    default:
      assertNever(message);
  }
});

document.body.append(toolbar, status.element, gridHost);
post({ type: 'ready', panel: 'harrisPreview' });
