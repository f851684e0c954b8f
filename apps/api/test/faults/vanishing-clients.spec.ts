/**
 * Fault 4: clients that vanish or stall.
 * - 1000 SSE clients connect to a printing run and drop at random moments (before the answer, right after the
 *   headers, after the first event, after a random delay). Afterwards the server holds no stream, no poller and
 *   no extra timer: GET /api/health/details reads back 0 streams and 0 pollers, and the process's active timers
 *   are back to what they were. While many watch, one poller serves them all.
 * - A client that stops reading while a fast run prints is disconnected once Nest's pending-events limit
 *   (maxPendingDataLength, 4M characters by default) is passed, instead of the server buffering without bound;
 *   it then resumes from the last id it received and gets exactly the rest.
 */
import * as http from 'node:http';
import { LogStreamService } from '../../src/logs/log-stream.service';
import { connectSse, logBytes, SseEvent } from '../sse-client';
import { startTestApp, TestApp, waitFor } from '../test-app';

jest.setTimeout(90_000);

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** One client that leaves at a random moment; resolves when it is gone. */
function vanishingClient(url: string, rnd: number): Promise<void> {
  return new Promise((resolve) => {
    const mode = Math.floor(rnd * 4);
    const req = http.get(url, { headers: { accept: 'text/event-stream' } });
    const done = () => resolve();
    req.on('error', done);
    req.on('close', done);
    if (mode === 0) {
      setImmediate(() => req.destroy()); // before the answer
      return;
    }
    req.on('response', (res) => {
      res.on('error', done);
      if (mode === 1) return req.destroy(); // right after the headers
      if (mode === 2) return res.once('data', () => req.destroy()); // after the first bytes
      res.resume();
      setTimeout(() => req.destroy(), Math.floor(rnd * 1000) % 400); // after a while
    });
  });
}

/** Complete SSE events in a text (a cut stream may end inside one: that part is ignored). */
function parseEvents(text: string): SseEvent[] {
  const blocks = text.split('\n\n');
  blocks.pop();
  const events: SseEvent[] = [];
  for (const block of blocks) {
    const event: SseEvent = { event: 'message', data: '' };
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      fields++;
      if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else if (field === 'data') event.data = value;
    }
    if (fields) events.push(event);
  }
  return events;
}

describe('clients that vanish or stall', () => {
  let t: TestApp;
  let experimentId: string;
  let streams: LogStreamService;

  beforeAll(async () => {
    t = await startTestApp({ logPollIntervalMs: 50 });
    streams = t.app.get(LogStreamService);
    experimentId = (await t.request('POST', '/api/experiments', { name: 'vanishing' })).body.id;
  });
  afterAll(() => t.close());

  it('1000 clients that drop at random leave no stream, poller or timer behind', async () => {
    const run = (await t.request('POST', `/api/experiments/${experimentId}/runs`, {
      command: ['node', '-e', 'let i = 0; const t = setInterval(() => { console.log("tick " + i++); if (i > 4000) clearInterval(t); }, 2)'],
    })).body;
    const url = `${t.baseUrl}/api/runs/${run.id}/logs/stream`;
    // Warm up (first-use allocations, the pool's connections), then take the baseline.
    await Promise.all(Array.from({ length: 20 }, (_, i) => vanishingClient(url, (i % 4) / 4 + 0.1)));
    await waitFor(async () => streams.stats().streams === 0 && streams.stats().pollers === 0, 10_000, 'warm-up streams to end');
    const baselineTimers = timers();

    // Many watchers of one run share one poller.
    const watchers = await Promise.all(Array.from({ length: 50 }, () => connectSse(url)));
    await Promise.all(watchers.map((w) => w.waitFor((e) => e.event === 'log')));
    expect((await t.request('GET', '/api/health/details')).body).toMatchObject({ streams: 50, pollers: 1 });
    watchers.forEach((w) => w.cut());

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(Array.from({ length: 100 }, () => vanishingClient(url, random())));
    }

    await waitFor(async () => {
      const details = (await t.request('GET', '/api/health/details')).body;
      return details.streams === 0 && details.pollers === 0;
    }, 15_000, 'every stream and poller to end');
    expect(streams.stats()).toMatchObject({ streams: 0, pollers: 0 });
    await waitFor(async () => timers() <= baselineTimers, 10_000, `active timers back to ${baselineTimers} (now ${timers()})`);
    await t.request('POST', `/api/runs/${run.id}/cancel`);
  });

  it('disconnects a client that stops reading, which then resumes from its last id', async () => {
    // 48 MiB in 64 KiB blocks, each filled with its own letter: fast, and any gap or repeat shows.
    const run = (await t.request('POST', `/api/experiments/${experimentId}/runs`, {
      command: ['node', '-e', `let n = 0; (function w() { while (n < 768) { const b = Buffer.alloc(65536, 97 + (n++ % 26)); if (!process.stdout.write(b)) return process.stdout.once('drain', w); } })()`],
    })).body;
    let received = '';
    let closed = false;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${t.baseUrl}/api/runs/${run.id}/logs/stream`, { headers: { accept: 'text/event-stream' } }, resolve).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (received += chunk));
    res.on('close', () => (closed = true));
    res.on('error', () => undefined);
    res.pause(); // the client stops reading

    // The server gives up on it once the events waiting for it pass the limit.
    await waitFor(async () => streams.stats().streams === 0, 60_000, 'the stalled client to be disconnected');
    await waitFor(async () => (await t.request('GET', `/api/runs/${run.id}`)).body.status === 'succeeded', 60_000, 'the run to finish');
    res.resume();
    await waitFor(async () => closed, 20_000, 'the stalled stream to close');

    const before = parseEvents(received);
    const lastId = before.filter((e) => e.event === 'log').at(-1)?.id ?? '0';
    const firstPart = logBytes(before);
    expect(String(firstPart.length)).toBe(lastId);
    expect(before.some((e) => e.event === 'end')).toBe(false); // it was cut, not finished

    const resumed = await connectSse(`${t.baseUrl}/api/runs/${run.id}/logs/stream`, { 'last-event-id': lastId });
    await resumed.waitFor((e) => e.event === 'end', 60_000);
    const rest = logBytes(resumed.events, Number(lastId));
    const raw = Buffer.from(await (await fetch(`${t.baseUrl}/api/runs/${run.id}/logs/raw`)).arrayBuffer());
    expect(raw.length).toBe(768 * 65536);
    expect(Buffer.concat([firstPart, rest]).equals(raw)).toBe(true);
  });
});
