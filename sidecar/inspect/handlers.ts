/**
 * The inspect requests by method name, as plain functions from params to result (or a
 * located ResponseError): the same code runs in the inspect worker and, where no worker
 * can start, on the main thread.
 */
import { DataInspectRequest, DataPreviewRequest, HarrisPreviewRequest } from '../protocol';
import type { DataInspectParams, DataPreviewParams, HarrisPreviewParams } from '../protocol';
import { dataInspect } from './dataInspect';
import { dataPreview } from './dataPreview';
import { answering } from './errors';
import { harrisPreview } from './harrisPreview';
import type { Cancellable } from '../util/cancellation';

// The previews check the client's token between images: a cancel stops the work.
export const INSPECT_HANDLERS = {
  [HarrisPreviewRequest.method]: (params: unknown, token?: Cancellable) =>
    answering(() => harrisPreview(params as HarrisPreviewParams, token)),
  [DataInspectRequest.method]: (params: unknown) =>
    answering(() => dataInspect(params as DataInspectParams)),
  [DataPreviewRequest.method]: (params: unknown, token?: Cancellable) =>
    answering(() => dataPreview(params as DataPreviewParams, token)),
} as const;

export type InspectMethod = keyof typeof INSPECT_HANDLERS;
