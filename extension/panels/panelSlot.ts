/**
 * A panel kind that exists once: opening it again reveals the panel already open (and
 * lets the caller update it) instead of stacking another. Pure (no vscode import), so
 * unit-tested; the panel hosts supply `reveal`, `onDispose` and `isDisposed`.
 */
export interface SlotPanel {
  readonly isDisposed: boolean;
  reveal(): void;
  onDispose(listener: () => void): void;
}

export class PanelSlot<T extends SlotPanel> {
  private current: T | undefined;

  get panel(): T | undefined {
    return this.current && !this.current.isDisposed ? this.current : undefined;
  }

  /** The open panel, revealed and passed to `reuse`; else a new one from `create`. */
  open(create: () => T, reuse?: (panel: T) => void): T {
    const open = this.panel;
    if (open) {
      open.reveal();
      reuse?.(open);
      return open;
    }
    return this.adopt(create());
  }

  /** Holds `panel` (e.g. one a serializer restored) until it is disposed. */
  adopt(panel: T): T {
    this.current = panel;
    panel.onDispose(() => {
      if (this.current === panel) this.current = undefined;
    });
    return panel;
  }
}
