/**
 * The contract between a panel host (extension/panels) and its webview (webview/<panel>):
 * per panel one channel (`PanelChannel`: a small common set — ready, state, notice,
 * export — plus the panel's own discriminated unions and the requests its webview makes,
 * answered through requests.ts by `messageId` / `inReplyTo`). Each end switches only over
 * its own panel's messages (`assertNever`), so adding a message breaks the build of the
 * places that must handle it and no other. Plain JSON only: it goes through postMessage.
 * Sidecar results are reused by type only (the webview bundle contains none of it).
 */
export * from './common';
export * from './requests';
export * from './lossCurves';
export * from './harrisPreview';
export * from './attentionMaps';
export * from './representationMap';

import type { AttentionMapsState } from './attentionMaps';
import type { HarrisPreviewState } from './harrisPreview';
import type { LossCurvesState } from './lossCurves';
import type { RepresentationMapState } from './representationMap';

/** Any panel's saved state (vscode.setState; given back by the serializer on reload). */
export type PanelState =
  | { panel: 'lossCurves'; state: LossCurvesState }
  | { panel: 'harrisPreview'; state: HarrisPreviewState }
  | { panel: 'attentionMaps'; state: AttentionMapsState }
  | { panel: 'representationMap'; state: RepresentationMapState };

/** The default of a switch over a union: compiles only when every case is handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
