/**
 * The panels' typed request/response over postMessage (webview/protocol/requests.ts),
 * the disposable store every panel host is, and the single-instance slot of the
 * attention-maps panel (extension/panels). Two ends joined by in-memory "postMessage"
 * queues, delivered asynchronously as the real one is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisposableStore } from '../../extension/panels/dispose';
import { PanelSlot, type SlotPanel } from '../../extension/panels/panelSlot';
import {
  RequestClient,
  RequestServer,
  SUPERSEDED,
  isReply,
  type RequestHandlers,
} from '../../webview/protocol';

type Requests = {
  double: { params: { n: number }; result: number };
  slow: { params: { ms: number; tag: string }; result: string };
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A client and a server joined by asynchronous message delivery; every message logged. */
function pair(handlers: RequestHandlers<Requests>) {
  const wire: { to: 'host' | 'webview'; message: unknown }[] = [];
  // eslint-disable-next-line prefer-const
  let server: RequestServer<Requests>;
  const client = new RequestClient<Requests>((message) => {
    wire.push({ to: 'host', message });
    setImmediate(() => server.receive(message));
  });
  server = new RequestServer<Requests>(handlers, (message) => {
    wire.push({ to: 'webview', message });
    setImmediate(() => client.receive(message));
  });
  return { client, server, wire };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

describe('panel request/response (messageId / inReplyTo)', () => {
  const handlers: RequestHandlers<Requests> = {
    double: ({ n }, _signal, progress) => {
      progress({ done: 1, total: 2 });
      if (n < 0) return Promise.reject(new Error(`n must be >= 0, got ${n}`));
      return Promise.resolve(2 * n);
    },
    slow: async ({ ms, tag }, signal) => {
      await sleep(ms, signal);
      return tag;
    },
  };

  it('answers each request by its number, in any order, with progress first', async () => {
    const { client, wire } = pair(handlers);
    const seen: number[] = [];
    const [slow, a, b] = await Promise.all([
      client.request('slow', { ms: 30, tag: 'late' }),
      client.request('double', { n: 21 }, (p) => seen.push(p.done / p.total)),
      client.request('double', { n: 5 }),
    ]);
    assert.deepEqual([slow, a, b], ['late', 42, 10]);
    assert.deepEqual(seen, [0.5]);
    const sent = wire.filter((w) => w.to === 'host').map((w) => w.message);
    assert.deepEqual(sent, [
      { type: 'slow', messageId: 1, params: { ms: 30, tag: 'late' } },
      { type: 'double', messageId: 2, params: { n: 21 } },
      { type: 'double', messageId: 3, params: { n: 5 } },
    ]);
    const replies = wire.filter((w) => w.to === 'webview').map((w) => w.message);
    assert.deepEqual(
      replies.filter((m) => (m as { type: string }).type === 'reply'),
      [
        { type: 'reply', inReplyTo: 2, result: 42 },
        { type: 'reply', inReplyTo: 3, result: 10 },
        { type: 'reply', inReplyTo: 1, result: 'late' },
      ],
    );
  });

  it("rejects with the host's error message", async () => {
    const { client } = pair(handlers);
    await assert.rejects(client.request('double', { n: -1 }), /n must be >= 0, got -1/);
  });

  it('latest only: a newer request cancels the older on the host and supersedes it', async () => {
    const { client, wire } = pair(handlers);
    const older = client.requestLatest('slow', { ms: 200, tag: 'old' });
    await tick();
    const newer = client.requestLatest('slow', { ms: 5, tag: 'new' });
    assert.equal(await older, SUPERSEDED);
    assert.equal(await newer, 'new');
    await tick();
    const toHost = wire.filter((w) => w.to === 'host').map((w) => w.message);
    assert.deepEqual(toHost[1], { type: 'cancel', inReplyTo: 1 });
    // The aborted request is never answered: no reply or error names it.
    const toWebview = wire.filter((w) => w.to === 'webview').map((w) => w.message);
    assert.deepEqual(
      toWebview.filter((m) => (m as { inReplyTo: number }).inReplyTo === 1),
      [],
    );
  });

  it('leaves panel messages to the panel: only answers are replies', () => {
    const client = new RequestClient<Requests>(() => undefined);
    assert.equal(client.receive({ type: 'notice', level: 'info', message: 'x' }), false);
    assert.equal(isReply({ type: 'reply', inReplyTo: 3, result: 1 }), true);
    assert.equal(isReply({ type: 'reply', inReplyTo: '3' }), false);
    const server = new RequestServer<Requests>(handlers, () => undefined);
    assert.equal(server.receive({ type: 'ready', panel: 'lossCurves' }), false);
    assert.equal(server.receive({ type: 'export', messageId: 1 }), false, 'not a request type');
  });

  it('cancelAll aborts every request in flight (the panel closed)', async () => {
    let aborted = 0;
    const server = new RequestServer<Requests>(
      {
        ...handlers,
        slow: async (_p, signal) => {
          signal.addEventListener('abort', () => aborted++);
          await sleep(1000, signal);
          return '';
        },
      },
      () => undefined,
    );
    server.receive({ type: 'slow', messageId: 1, params: { ms: 1000, tag: '' } });
    server.receive({ type: 'slow', messageId: 2, params: { ms: 1000, tag: '' } });
    await tick();
    server.cancelAll();
    assert.equal(aborted, 2);
  });
});

describe('DisposableStore', () => {
  it('disposes once, newest first, even when one throws; later ones at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.register({ dispose: () => order.push('a') });
    store.register({
      dispose: () => {
        order.push('b');
        throw new Error('b failed');
      },
    });
    store.register({ dispose: () => order.push('c') });
    assert.throws(() => store.dispose(), /b failed/);
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.equal(store.isDisposed, true);
    store.dispose();
    assert.deepEqual(order, ['c', 'b', 'a'], 'a second dispose does nothing');
    store.register({ dispose: () => order.push('late') });
    assert.deepEqual(order, ['c', 'b', 'a', 'late']);
  });
});

describe('PanelSlot (one attention-maps panel)', () => {
  class FakePanel extends DisposableStore implements SlotPanel {
    revealed = 0;
    selected: string[][] = [];
    reveal() {
      this.revealed++;
    }
    onDispose(listener: () => void) {
      this.register({ dispose: listener });
    }
  }

  it('reveals the open panel (and updates it) instead of creating another', () => {
    const slot = new PanelSlot<FakePanel>();
    let created = 0;
    const create = () => {
      created++;
      return new FakePanel();
    };
    const first = slot.open(create);
    const again = slot.open(create, (p) => p.selected.push(['/runs/a']));
    assert.equal(again, first);
    assert.equal(created, 1);
    assert.equal(first.revealed, 1);
    assert.deepEqual(first.selected, [['/runs/a']]);
    first.dispose();
    const next = slot.open(create);
    assert.notEqual(next, first);
    assert.equal(created, 2);
  });

  it('holds a panel restored by the serializer', () => {
    const slot = new PanelSlot<FakePanel>();
    const restored = slot.adopt(new FakePanel());
    assert.equal(
      slot.open(() => new FakePanel()),
      restored,
    );
    assert.equal(restored.revealed, 1);
  });
});
