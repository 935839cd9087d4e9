/**
 * Cooperative cancellation of long requests (previews, Grad-CAM): the handler checks the
 * client's CancellationToken between images. The check first yields to the event loop,
 * because a `$/cancelRequest` can only arrive while no synchronous work holds it: twice,
 * since vscode-jsonrpc handles a message read in the poll phase in an immediate of its
 * own, queued after one this check queued before that poll.
 */

/** What vscode-jsonrpc's CancellationToken offers; absent for callers that never cancel. */
export interface Cancellable {
  readonly isCancellationRequested: boolean;
}

/** A request stopped because its client cancelled it; the message says how far it got. */
export class RequestCancelledError extends Error {
  override readonly name = 'RequestCancelledError';
}

export async function throwIfCancelled(
  token: Cancellable | undefined,
  progress: () => string,
): Promise<void> {
  if (!token) return;
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  if (token.isCancellationRequested) {
    throw new RequestCancelledError(`Cancelled by the client after ${progress()}.`);
  }
}
