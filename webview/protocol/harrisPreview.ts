/** The Harris-preview panel's channel: the config's parameters in, previews asked for. */
import type { HarrisParams, HarrisPreviewResult } from '../../sidecar/protocol';
import type { PanelChannel } from './common';

export interface HarrisPreviewState {
  configPath: string;
  harris: HarrisParams;
  count: number;
}

export type HarrisHostMessage =
  /** The config's data.harris (or the defaults) and the scales of its chain. */
  { type: 'harris/init'; state: HarrisPreviewState; scales: number[] };

export type HarrisWebviewMessage =
  /** Write these parameters into the config's data.harris (answered by a notice). */
  { type: 'harris/writeBack'; harris: HarrisParams };

export type HarrisRequests = {
  /** Samples at every scale in every view, as `harris/preview` computes them (latest only). */
  'harris/preview': {
    params: { harris: HarrisParams; count: number };
    result: HarrisPreviewResult;
  };
};

export type HarrisChannel = PanelChannel<
  HarrisPreviewState,
  HarrisHostMessage,
  HarrisWebviewMessage,
  HarrisRequests
>;
