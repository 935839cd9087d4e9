/** What the user saw: every text of the status item, the CodeLenses and the notifications. */
/**
 * What recordWhatTheUserSees keeps on the workbench page's window.
 * @typedef {{ status: string[], lens: string[], toasts: string[] }} Seen
 * @typedef {Window & { __scalenetSeen: Seen }} RecordingWindow
 */

/**
 * Records every text the status item, the CodeLenses and the notifications show.
 * @param {import('playwright-core').Page} page
 */
export async function recordWhatTheUserSees(page) {
  await page.evaluate(() => {
    const win = /** @type {RecordingWindow} */ (/** @type {unknown} */ (window));
    /** @type {Seen} */
    const seen = { status: [], lens: [], toasts: [] };
    /** @param {string[]} list @param {string | null | undefined} raw */
    const push = (list, raw) => {
      const text = (raw ?? '').replace(/\s+/g, ' ').trim();
      if (text && !list.includes(text)) list.push(text);
    };
    const sample = () => {
      const seenNow = win.__scalenetSeen;
      const item = document.querySelector('.statusbar-item[id$="scalenet.status"]');
      if (item) push(seenNow.status, item.textContent);
      const lens = [...document.querySelectorAll('.codelens-decoration')]
        .map((e) => e.textContent)
        .join(' | ');
      push(seenNow.lens, lens);
      for (const toast of document.querySelectorAll('.notification-toast')) {
        // The message only: the toast's whole text also holds its list's <style> rules.
        const message = toast.querySelector('.notification-list-item-message');
        push(seenNow.toasts, (message ?? toast).textContent);
      }
    };
    win.__scalenetSeen = seen;
    new MutationObserver(sample).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    sample();
  });
}

/** @param {import('playwright-core').Page} page */
export async function resetRecording(page) {
  await page.evaluate(() => {
    const win = /** @type {RecordingWindow} */ (/** @type {unknown} */ (window));
    win.__scalenetSeen = { status: [], lens: [], toasts: [] };
  });
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<Seen>}
 */
export async function recorded(page) {
  return page.evaluate(
    () => /** @type {RecordingWindow} */ (/** @type {unknown} */ (window)).__scalenetSeen,
  );
}
