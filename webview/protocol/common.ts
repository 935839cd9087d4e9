/**
 * What every panel's channel carries besides its own messages: the webview says it is
 * ready and what state to keep, hands the host a file to save, and the host answers with
 * a notice. A panel's channel (`PanelChannel`) is this common set plus its own unions
 * and its requests (requests.ts), so each panel's switches list only its own messages.
 */
import type { CancelMessage, ReplyMessage, RequestMap, RequestMessage } from './requests';

export type PanelKind = 'lossCurves' | 'harrisPreview' | 'attentionMaps' | 'representationMap';

/** Host → webview: where an export or write-back went, or why not. */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'error';
  message: string;
}

/** Webview → host: save a file the webview made (CSV text or PNG base64) where the user chooses. */
export interface ExportMessage {
  type: 'export';
  format: 'csv' | 'png';
  fileName: string;
  data: string;
}

/** Webview → host, every panel: `state` is the panel's own state type. */
export type CommonWebviewMessage<S> =
  /** The script has started and listens: the host sends the panel's data now. */
  | { type: 'ready'; panel: PanelKind }
  /** The webview's state changed (kept by the host for the serializer). */
  | { type: 'state'; state: S }
  | ExportMessage;

/** The types of every panel's common webview messages, which panels' own messages never reuse. */
export const COMMON_WEBVIEW_TYPES: ReadonlySet<string> = new Set(['ready', 'state', 'export']);

/** One panel's channel: its state, its own messages each way and the requests its webview makes. */
export interface PanelChannel<
  S,
  HostOwn extends { type: string },
  WebviewOwn extends { type: string },
  R extends RequestMap,
> {
  panel: PanelKind;
  state: S;
  /** Host → webview messages the panel's script switches over (notices included). */
  host: HostOwn | NoticeMessage;
  /** Webview → host messages the panel's host switches over (the common set included). */
  webview: WebviewOwn | CommonWebviewMessage<S>;
  requests: R;
}

/** Anything a panel's channel has in it. */
export type AnyChannel = PanelChannel<unknown, { type: string }, { type: string }, RequestMap>;

/** Everything that travels host → webview on channel C (replies included). */
export type HostWire<C extends AnyChannel> = C['host'] | ReplyMessage;

/** Everything that travels webview → host on channel C (requests and cancels included). */
export type WebviewWire<C extends AnyChannel> =
  C['webview'] | RequestMessage<C['requests']> | CancelMessage;
