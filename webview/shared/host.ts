/**
 * The webview's end of its panel's channel: typed postMessage both ways, requests
 * answered by the host (requests.ts), and the state VS Code keeps across reloads.
 * `acquireVsCodeApi` may be called only once per page, so this module calls it once and
 * everything else goes through `connect`.
 */
import { RequestClient, type AnyChannel, type PanelKind, type WebviewWire } from '../protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export interface HostConnection<C extends AnyChannel> {
  post(message: C['webview']): void;
  /** Requests to the host, answered through the channel (see RequestClient). */
  requests: RequestClient<C['requests']>;
  /** Calls `handler` with each of the panel's own host messages (answers go to `requests`). */
  onMessage(handler: (message: C['host']) => void): void;
  /** What setState kept before a reload (or what the serializer restored) for this panel. */
  savedState(): C['state'] | undefined;
  /** Keeps the state in VS Code (for a reload) and tells the host (for the serializer). */
  saveState(state: C['state']): void;
}

export function connect<C extends AnyChannel>(panel: PanelKind): HostConnection<C> {
  const post = (message: WebviewWire<C>) => api.postMessage(message);
  const requests = new RequestClient<C['requests']>(post);
  return {
    post,
    requests,
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (requests.receive(data)) return;
        // Anything without a string `type` is not from the host.
        if (
          typeof data === 'object' &&
          data !== null &&
          typeof (data as { type?: unknown }).type === 'string'
        ) {
          handler(data as C['host']);
        }
      });
    },
    savedState() {
      const saved = api.getState() as { panel?: unknown; state?: unknown } | null | undefined;
      return saved?.panel === panel ? saved.state : undefined;
    },
    saveState(state) {
      // Tagged with the panel, as the serializer reads it (PanelState in webview/protocol).
      api.setState({ panel, state });
      // Every channel's webview union has the common `state` message (common.ts).
      post({ type: 'state', state } as C['webview']);
    },
  };
}
