/**
 * THE mapping from what the sidecar throws to what a client sees, for every request:
 * a named code (protocol/errors.ts) and one ErrorData naming the file, the field and the
 * fix; and for a failed run the same data as its RunError. main.ts, the inspect and
 * Grad-CAM handlers and the runner all answer through here; the sidecar never dies of it.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ConfigError } from '../config/configError';
import { DataError } from '../data/errors';
import { ErrorCodes, type ErrorCode, type ErrorData } from '../protocol';
import { RequestCancelledError } from '../util/cancellation';

/** A request parameter out of range; the client's fault, not the config's. */
export class ParamsError extends Error {
  override readonly name = 'ParamsError';
}

/** A request that cannot be served now (before initialize, while a run is active). */
export class StateError extends Error {
  override readonly name = 'StateError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ClassifiedError {
  code: ErrorCode;
  message: string;
  data?: ErrorData;
}

/** What kind of error it is, and where. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof ConfigError) {
    const { file, field, problem, fix } = error;
    return { code: ErrorCodes.config, message: error.message, data: { file, field, problem, fix } };
  }
  if (error instanceof DataError) {
    const { file, offset, problem, fix } = error;
    return { code: ErrorCodes.data, message: error.message, data: { file, offset, problem, fix } };
  }
  if (error instanceof StateError) return { code: error.code, message: error.message };
  if (error instanceof RequestCancelledError) {
    return { code: ErrorCodes.requestCancelled, message: error.message };
  }
  if (error instanceof ParamsError || error instanceof RangeError) {
    return { code: ErrorCodes.invalidParams, message: (error as Error).message };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: ErrorCodes.internal, message };
}

export function toResponseError(error: unknown): ResponseError<ErrorData | undefined> {
  if (error instanceof ResponseError) return error as ResponseError<ErrorData | undefined>;
  const { code, message, data } = classifyError(error);
  return new ResponseError(code, message, data);
}

/** Runs a handler and turns whatever it throws into a named, located ResponseError. */
export async function answering<T>(handler: () => Promise<T> | T): Promise<T> {
  try {
    return await handler();
  } catch (error) {
    throw toResponseError(error);
  }
}

/** An optional count parameter: its default when absent, capped at `max`, else an error. */
export function countParam(value: number | undefined, fallback: number, max: number, name: string) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new ParamsError(`${name} must be a non-negative integer, got ${value}`);
  }
  return Math.min(value, max);
}
