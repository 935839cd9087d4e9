/**
 * The sidecar's errors, one shape for all: every error response carries a named code and,
 * when the problem is in a file, an ErrorData saying where and what to do; a failed run's
 * RunError is the same data with a word for a code. Named like vscode-jsonrpc's
 * `ErrorCodes` (JSON-RPC's own codes are negative; the application's are small positives).
 */

export const ErrorCodes = {
  /** A parameter is missing or out of range (JSON-RPC's InvalidParams). */
  invalidParams: -32602,
  /** The client cancelled the request (LSP's RequestCancelled). */
  requestCancelled: -32800,
  /** The two ends speak different protocol versions (`initialize`). */
  protocolMismatch: 1,
  /** No compute backend could be started (`initialize`). */
  backendUnavailable: 2,
  /** The request needs the backend that `initialize` chooses. */
  notInitialized: 3,
  /** The config is wrong; ErrorData names the file, the field and the fix. */
  config: 4,
  /** A bug in ScaleNet: the message holds the stack, the sidecar log the rest. */
  internal: 5,
  /** A dataset, image or run file is wrong; ErrorData names the file and the fix. */
  data: 6,
  /** A run is already active in this sidecar. */
  runActive: 7,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The `data` of an error response whose problem is in a file (config and data errors;
 * others carry none), and the location part of a RunError.
 */
export interface ErrorData {
  /** The config, dataset file, image or run folder the problem is in. */
  file: string;
  /** JSON path of the config field, for config errors. */
  field?: string;
  /** Byte offset in the file, for corrupt dataset files. */
  offset?: number;
  /** What is wrong, without the file, the field or the fix. */
  problem?: string;
  /** What the user can do about it. */
  fix: string;
}

/** How a run failed, in `run/finished` and summary.json: a stable word and the same data. */
export interface RunError extends Partial<ErrorData> {
  /** `config`, `data`, `out-of-memory`, `backend`, `internal`; `crashed`, `killed`, `hung` from a client. */
  code: string;
  message: string;
}

/** The message of anything thrown (an Error's message, else the value as text). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
