/**
 * How many crashes the supervisor forgives: at most `maxRestarts` restarts within
 * `windowMs` (4 in 3 minutes; ARCHITECTURE.md: the extension inside), after vscode-languageclient's error handler.
 * A sidecar that keeps crashing (a broken backend, a bad install) must not spin forever.
 */

export interface RestartBudgetOptions {
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudgetOptions = {
  maxRestarts: 4,
  windowMs: 3 * 60_000,
};

export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    private readonly options: RestartBudgetOptions = DEFAULT_RESTART_BUDGET,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when a restart is still allowed. */
  recordCrash(): boolean {
    const now = this.now();
    this.crashes = this.crashes.filter((t) => now - t <= this.options.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.options.maxRestarts;
  }

  /** Crashes counted in the current window (for messages like "restart 2 of 4"). */
  get recentCrashes(): number {
    return this.crashes.length;
  }

  get maxRestarts(): number {
    return this.options.maxRestarts;
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  /** A start the user asked for begins a fresh budget. */
  reset(): void {
    this.crashes = [];
  }
}
