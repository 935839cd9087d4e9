/**
 * A tiny typed event emitter shaped like `vscode.Event`, so that the supervisor can be
 * tested under plain Node and the vscode-aware wrapper can hand its events on unchanged.
 */

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (event: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(event: T) => void>();

  /** A listener that throws must not stop the others or the supervisor that fired. */
  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  readonly event: Event<T> = (listener) => {
    // Wrap so that the same function can be registered twice and removed independently.
    const entry = (event: T) => listener(event);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
