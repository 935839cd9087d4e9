/**
 * Registers `gradcam/compute`. It needs the compute backend that `initialize` chooses,
 * so it refuses to run before then instead of silently starting tfjs's default one.
 */
import { Disposable, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { GradcamComputeRequest, InspectErrorCode } from '../protocol';
import { answering } from '../inspect/errors';
import { computeGradcam } from './computeGradcam';
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
  return Disposable.create(() => registration.dispose());
}
