/**
 * Inspect requests answer a bad config, a broken dataset or bad parameters with a
 * ResponseError whose data names the file and the fix (as `run/start` does for
 * configs), so the client can show it next to the file; the sidecar never dies of it.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ConfigError } from '../config/configError';
import { DataError } from '../data/dataset';
import { InspectErrorCode, type LocatedErrorData } from '../protocol';

/** A request parameter out of range; the client's fault, not the config's. */
export class ParamsError extends Error {
  override readonly name = 'ParamsError';
}

export function toResponseError(error: unknown): ResponseError<LocatedErrorData | undefined> {
  if (error instanceof ResponseError) return error as ResponseError<LocatedErrorData | undefined>;
  if (error instanceof ConfigError) {
    return new ResponseError(InspectErrorCode.config, error.message, {
      file: error.file,
      field: error.field,
      fix: error.fix,
    });
  }
  if (error instanceof DataError) {
    return new ResponseError(InspectErrorCode.data, error.message, {
      file: error.file,
      offset: error.offset,
      fix: error.fix,
    });
  }
  if (error instanceof ParamsError || error instanceof RangeError) {
    return new ResponseError(InspectErrorCode.invalidParams, (error as Error).message, undefined);
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new ResponseError(InspectErrorCode.internal, message, undefined);
}

/** Runs a handler and turns whatever it throws into a located ResponseError. */
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
