/**
 * Notices a sidecar that has gone silent during a run. ARCHITECTURE.md (machine notes): the wasm backend can
 * hang (rather than fail) near its 4 GiB heap, and a hung process answers nothing, so
 * only silence gives it away. A slow backend is not a hung one: the allowed silence
 * grows to `gapFactor` times the longest gap seen between progress notifications.
 */

export interface HangWatchdogOptions {
  /** The least silence treated as a hang; 0 turns the watchdog off. */
  timeoutMs: number;
  gapFactor?: number;
  now?: () => number;
  onHang(silenceMs: number, limitMs: number): void;
}

export class HangWatchdog {
  private readonly now: () => number;
  private lastHeard: number;
  private lastProgress: number | undefined;
  private longestGap = 0;
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(private readonly options: HangWatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.lastHeard = this.now();
  }

  /** The silence allowed now. */
  get limitMs(): number {
    return Math.max(this.options.timeoutMs, (this.options.gapFactor ?? 10) * this.longestGap);
  }

  heard(): void {
    this.lastHeard = this.now();
  }

  progressed(): void {
    const now = this.now();
    if (this.lastProgress !== undefined) {
      this.longestGap = Math.max(this.longestGap, now - this.lastProgress);
    }
    this.lastProgress = now;
    this.lastHeard = now;
  }

  /** Watches from now on (a run started); silence counts from here. */
  arm(): void {
    if (this.timer || this.options.timeoutMs <= 0) return;
    this.lastHeard = this.now();
    this.lastProgress = undefined;
    const every = Math.max(10, Math.min(this.options.timeoutMs / 4, 30_000));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  /** No run left to watch. */
  disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** True when it has just declared a hang (once per watchdog). */
  check(): boolean {
    if (this.fired) return false;
    const silence = this.now() - this.lastHeard;
    const limit = this.limitMs;
    if (silence <= limit) return false;
    this.fired = true;
    this.disarm();
    this.options.onHang(silence, limit);
    return true;
  }
}
