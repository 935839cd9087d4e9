/**
 * Calls `send` at most once per `intervalMs`; the latest value always wins, and
 * `flush` delivers a pending one at once (used at epoch and run boundaries), so the
 * client never misses the last word while seeing only a few messages a second.
 */
export function throttleLatest<T>(send: (value: T) => void, intervalMs: number) {
  let last = 0;
  let pending: T | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deliver = () => {
    timer = undefined;
    if (pending === undefined) return;
    const value = pending;
    pending = undefined;
    last = Date.now();
    send(value);
  };
  return {
    push(value: T): void {
      pending = value;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) deliver();
      else timer ??= setTimeout(deliver, wait);
    },
    flush(): void {
      if (timer) clearTimeout(timer);
      deliver();
    },
    cancel(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
