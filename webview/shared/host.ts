/**
 * The webview's side of the channel to its panel host: typed postMessage both ways and
 * the state VS Code keeps across reloads. `acquireVsCodeApi` may be called only once per
 * page, so this module calls it once and everything else goes through it.
 */
import type { HostMessage, PanelState, WebviewMessage } from '../protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

/** Calls `handler` with each host message; anything without a string `type` is ignored. */
export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (
      typeof data === 'object' &&
      data !== null &&
      typeof (data as { type?: unknown }).type === 'string'
    ) {
      handler(data as HostMessage);
    }
  });
}

/** What setState kept before a reload (or what the serializer restored); panels check `panel`. */
export function savedState(): PanelState | undefined {
  const saved = api.getState() as PanelState | null | undefined;
  return saved ?? undefined;
}

/** Keeps the state in VS Code (for a reload) and tells the host (for the serializer). */
export function saveState(state: PanelState): void {
  api.setState(state);
  post({ type: 'state', state });
}
