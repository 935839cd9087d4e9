/** What the main thread and the inspect worker send each other. */
export interface WorkerRequest {
  id: number;
  method: string;
  params: unknown;
}

export interface WorkerReply {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}
