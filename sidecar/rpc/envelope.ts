/**
 * The gate every message from the client passes before vscode-jsonrpc sees it. That
 * library drops a request it cannot classify (an object id, a missing method) without a
 * word, so the client would wait for ever; it serves `"jsonrpc": "1.0"` as if it were
 * 2.0; and it keeps serving after `shutdown`. Here each of those gets a JSON-RPC error
 * instead, and parameters whose types would reach the file system wrongly are refused
 * with the field named (-32602).
 */
import { IPCMessageReader, type DataCallback, type Disposable } from 'vscode-jsonrpc/node';
import { paramsProblem } from './paramsCheck';

export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

export const SHUTDOWN_METHOD = 'shutdown';

type Id = string | number | null;

export type Verdict =
  | { pass: true }
  /** Refused: answer with this error, when the message carried an id at all. */
  | { pass: false; reply?: { id: Id; code: number; message: string } };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const usableId = (id: unknown): id is string | number =>
  typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

/**
 * What to do with one incoming message. `shutDown`: a `shutdown` request came earlier,
 * so no request after it is served.
 */
export function judgeMessage(message: unknown, shutDown: boolean): Verdict {
  if (!isRecord(message)) {
    return {
      pass: false,
      reply: { id: null, code: INVALID_REQUEST, message: 'Invalid Request: not a JSON object' },
    };
  }
  const hasId = 'id' in message && message.id !== undefined;
  // A response to one of our requests (there are none today): not ours to judge.
  if (!('method' in message) && ('result' in message || 'error' in message)) return { pass: true };
  const refuse = (code: number, text: string): Verdict => ({
    pass: false,
    // The spec answers an id it cannot use with id null; a notification gets no answer.
    reply: hasId
      ? { id: usableId(message.id) ? message.id : null, code, message: text }
      : undefined,
  });
  if (message.jsonrpc !== '2.0') {
    return refuse(
      INVALID_REQUEST,
      `Invalid Request: "jsonrpc" must be "2.0", got ${JSON.stringify(message.jsonrpc)}`,
    );
  }
  if (hasId && !usableId(message.id)) {
    return refuse(
      INVALID_REQUEST,
      `Invalid Request: "id" must be a string or a number, got ${JSON.stringify(message.id)}`,
    );
  }
  if (typeof message.method !== 'string' || message.method === '') {
    return refuse(INVALID_REQUEST, 'Invalid Request: "method" must be a non-empty string');
  }
  if (shutDown) {
    return refuse(
      INVALID_REQUEST,
      `The sidecar is shutting down (shutdown was requested), so "${message.method}" is not served. Start a new sidecar.`,
    );
  }
  const problem = hasId ? paramsProblem(message.method, message.params) : undefined;
  if (problem) return refuse(INVALID_PARAMS, `Invalid params for ${message.method}: ${problem}`);
  return { pass: true };
}

/**
 * The IPC reader with the gate in front. Refusals are written straight to the channel
 * (`answer`), in the order the messages came.
 */
export class GatedIPCMessageReader extends IPCMessageReader {
  private shutDown = false;

  constructor(
    channel: NodeJS.Process,
    private readonly answer: (reply: object) => void = (reply) => channel.send?.(reply),
  ) {
    super(channel);
  }

  /** True once a `shutdown` request has gone through. */
  get shuttingDown(): boolean {
    return this.shutDown;
  }

  override listen(callback: DataCallback): Disposable {
    return super.listen((message: unknown) => {
      const verdict = judgeMessage(message, this.shutDown);
      if (verdict.pass) {
        if (isRecord(message) && message.method === SHUTDOWN_METHOD && 'id' in message) {
          this.shutDown = true;
        }
        callback(message as Parameters<DataCallback>[0]);
      } else if (verdict.reply) {
        const { id, code, message: text } = verdict.reply;
        this.answer({ jsonrpc: '2.0', id, error: { code, message: text } });
      }
    });
  }
}
