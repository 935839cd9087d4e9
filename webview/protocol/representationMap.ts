/**
 * The representation-map panel's channel: the runs to map in, their maps asked for
 * (`model/map` per run on the host), one row per run so one failing run leaves the others.
 */
import type { ModelMapResult } from '../../sidecar/protocol';
import type { PanelChannel } from './common';

export interface RepresentationMapState {
  /** The run folders mapped side by side (two by default: RotNet vs ScaleNet). */
  runDirs: string[];
}

export interface MapRow {
  runDir: string;
  /** Absent when this run failed; `error` says why. */
  map?: ModelMapResult;
  error?: string;
}

export type MapHostMessage =
  /** The runs to map (a new panel's or a restored one's): the webview asks for their maps. */
  { type: 'map/init'; state: RepresentationMapState };

// The webview only asks (requests below) and saves its state (common messages).
export type MapWebviewMessage = never;

export type MapRequests = {
  /** One row per run (`model/map` each), with progress per run done. */
  'map/compute': { params: { runDirs: string[] }; result: MapRow[] };
};

export type RepresentationMapChannel = PanelChannel<
  RepresentationMapState,
  MapHostMessage,
  MapWebviewMessage,
  MapRequests
>;
