/**
 * Request/response over postMessage, which itself only sends one-way messages. The
 * webview numbers each request (`messageId`); the host answers with a message naming
 * that number (`inReplyTo`): `reply` with the result, `error` with a message, or any
 * number of `progress` messages before either. Both ends import this file; it touches
 * neither the DOM nor `vscode`, only a `post` function each end supplies, so it is
 * unit-tested in Node. Requests of one type may be "latest only" (sliders): a newer one
 * aborts the older on the host and the older resolves as superseded in the webview.
 */

/** What a panel may ask its host, by request type: the params sent and the result returned. */
export type RequestMap = Record<string, { params: unknown; result: unknown }>;

/** A request as it travels (webview → host). */
export type RequestMessage<R extends RequestMap> = {
  [K in keyof R & string]: { type: K; messageId: number; params: R[K]['params'] };
}[keyof R & string];

export interface Progress {
  done: number;
  total: number;
}

/** The host's answers (host → webview), matched to their request by `inReplyTo`. */
export type ReplyMessage =
  | { type: 'reply'; inReplyTo: number; result: unknown }
  | { type: 'error'; inReplyTo: number; message: string }
  | ({ type: 'progress'; inReplyTo: number } & Progress);

/** The webview → host message that cancels a request still in flight. */
export interface CancelMessage {
  type: 'cancel';
  inReplyTo: number;
}

const REPLY_TYPES: ReadonlySet<string> = new Set(['reply', 'error', 'progress']);

function field(message: unknown, name: string): unknown {
  return typeof message === 'object' && message !== null
    ? (message as Record<string, unknown>)[name]
    : undefined;
}

/** Whether a message is an answer to a request (so the panel's own switch never sees it). */
export function isReply(message: unknown): message is ReplyMessage {
  const type = field(message, 'type');
  return (
    typeof type === 'string' &&
    REPLY_TYPES.has(type) &&
    typeof field(message, 'inReplyTo') === 'number'
  );
}

/** A request that a newer one of its type replaced before its answer came. */
export const SUPERSEDED = Symbol('superseded');

interface Pending {
  type: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: Progress) => void;
}

/** The webview's end: sends requests and settles them when their answers arrive. */
export class RequestClient<R extends RequestMap> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The newest "latest only" request of each type. */
  private readonly latest = new Map<string, number>();

  constructor(private readonly post: (message: RequestMessage<R> | CancelMessage) => void) {}

  /** Sends `params` as a `type` request; resolves with the host's result, rejects with its error. */
  request<K extends keyof R & string>(
    type: K,
    params: R[K]['params'],
    onProgress?: (progress: Progress) => void,
  ): Promise<R[K]['result']> {
    const messageId = this.nextId++;
    return new Promise<R[K]['result']>((resolve, reject) => {
      this.pending.set(messageId, {
        type,
        resolve: resolve,
        reject,
        onProgress,
      });
      this.post({ type, messageId, params } as RequestMessage<R>);
    });
  }

  /**
   * Like `request`, but a newer `type` request supersedes this one: the host is told to
   * cancel it and it resolves to SUPERSEDED, whatever the host still answers.
   */
  requestLatest<K extends keyof R & string>(
    type: K,
    params: R[K]['params'],
    onProgress?: (progress: Progress) => void,
  ): Promise<R[K]['result'] | typeof SUPERSEDED> {
    const older = this.latest.get(type);
    if (older !== undefined) this.supersede(older);
    const messageId = this.nextId;
    this.latest.set(type, messageId);
    return this.request(type, params, onProgress).finally(() => {
      if (this.latest.get(type) === messageId) this.latest.delete(type);
    });
  }

  /** Settles the request `message` answers; false when it is not an answer this client waits for. */
  receive(message: unknown): boolean {
    if (!isReply(message)) return false;
    const pending = this.pending.get(message.inReplyTo);
    if (!pending) return true; // an answer to a request already settled (superseded)
    switch (message.type) {
      case 'progress':
        pending.onProgress?.({ done: message.done, total: message.total });
        return true;
      case 'reply':
        this.pending.delete(message.inReplyTo);
        pending.resolve(message.result);
        return true;
      case 'error':
        this.pending.delete(message.inReplyTo);
        pending.reject(new Error(message.message));
        return true;
    }
  }

  private supersede(messageId: number): void {
    const pending = this.pending.get(messageId);
    if (!pending) return;
    this.pending.delete(messageId);
    this.post({ type: 'cancel', inReplyTo: messageId });
    pending.resolve(SUPERSEDED);
  }
}

/** A host's handler of one request type; `signal` aborts when the webview cancels it. */
export type RequestHandler<P, Res> = (
  params: P,
  signal: AbortSignal,
  progress: (progress: Progress) => void,
) => Promise<Res>;

export type RequestHandlers<R extends RequestMap> = {
  [K in keyof R & string]: RequestHandler<R[K]['params'], R[K]['result']>;
};

/** The host's end: runs the handler of each request and posts its answer. */
export class RequestServer<R extends RequestMap> {
  private readonly inFlight = new Map<number, AbortController>();

  constructor(
    private readonly handlers: RequestHandlers<R>,
    private readonly post: (message: ReplyMessage) => void,
  ) {}

  /** Whether `message` is a request (or a cancel) this server handles; it is then answered. */
  receive(message: unknown): boolean {
    const type = field(message, 'type');
    if (type === 'cancel') {
      const id = field(message, 'inReplyTo');
      if (typeof id === 'number') this.inFlight.get(id)?.abort();
      return typeof id === 'number';
    }
    const id = field(message, 'messageId');
    if (typeof type !== 'string' || typeof id !== 'number') return false;
    if (!Object.prototype.hasOwnProperty.call(this.handlers, type)) return false;
    void this.serve(type, id, field(message, 'params'));
    return true;
  }

  /** Aborts every request in flight (the panel closed). */
  cancelAll(): void {
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private async serve(type: string, messageId: number, params: unknown): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(messageId, controller);
    const handler = (this.handlers as Record<string, RequestHandler<unknown, unknown>>)[type];
    try {
      const result = await handler(params, controller.signal, (p) => {
        if (!controller.signal.aborted) this.post({ type: 'progress', inReplyTo: messageId, ...p });
      });
      if (!controller.signal.aborted) this.post({ type: 'reply', inReplyTo: messageId, result });
    } catch (error) {
      if (!controller.signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        this.post({ type: 'error', inReplyTo: messageId, message });
      }
    } finally {
      this.inFlight.delete(messageId);
    }
  }
}
