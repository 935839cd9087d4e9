/** What the main thread and the inspect worker send each other. */
export interface WorkerRequest {
  id: number;
  method: string;
  params: unknown;
}

/** The client cancelled request `cancel`: its handler stops at its next check. */
export interface WorkerCancel {
  cancel: number;
}

export interface WorkerReply {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}
