/**
 * Registers `gradcam/compute`. It needs the compute backend that `initialize` chooses,
 * so it refuses to run before then instead of silently starting tfjs's default one.
 */
import { Disposable, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { GradcamComputeRequest, GradcamModelsRequest, InspectErrorCode } from '../protocol';
import { answering } from '../inspect/errors';
import { computeGradcam } from './computeGradcam';
import { runModels } from './runModels';
import type { StatsCache } from './runContext';

export function registerGradcamHandlers(
  connection: MessageConnection,
  backendReady: () => boolean,
): Disposable {
  // Standardisation stats per run and scale, kept for the life of the connection.
  const cache: StatsCache = new Map();
  const registration = connection.onRequest(GradcamComputeRequest.type, (params) => {
    if (!backendReady()) {
      throw new ResponseError(InspectErrorCode.internal, 'Send initialize before gradcam/compute.');
    }
    return answering(() => computeGradcam(params, cache));
  });
  // Reads only the run folder (no backend needed): the viewer asks it before any map.
  const models = connection.onRequest(GradcamModelsRequest.type, (params) =>
    answering(() => runModels(params)),
  );
  return Disposable.create(() => {
    registration.dispose();
    models.dispose();
  });
}
