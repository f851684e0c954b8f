/** The SSE stream over raw HTTP: order, ids, resume, shared polling, clean-up, errors, a real run. */
import { DataSource } from 'typeorm';
import { LogStreamService } from '../src/logs/log-stream.service';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { connectSse, logBytes, SseConnection } from './sse-client';
import { startTestApp, TestApp, waitFor } from './test-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('log stream', () => {
  let t: TestApp;
  let ds: DataSource;
  let store: TrainingLogStore;
  let streams: LogStreamService;
  let experimentId: string;

  beforeAll(async () => {
    t = await startTestApp({ logPollIntervalMs: 50, sseKeepAliveMs: 300 });
    ds = t.app.get(DataSource);
    store = t.app.get(TrainingLogStore);
    streams = t.app.get(LogStreamService);
    [{ id: experimentId }] = await ds.query(`INSERT INTO experiments (name) VALUES ('stream') RETURNING id`);
  });
  afterAll(() => t.close());

  async function newRun(status = 'running'): Promise<string> {
    const [{ id }] = await ds.query(
      `INSERT INTO runs (experiment_id, name, command, cwd, status) VALUES ($1, 'r', '["x"]', '/', $2) RETURNING id`,
      [experimentId, status],
    );
    return id;
  }
  const finish = (id: string, status = 'succeeded', exitCode = 0) =>
    ds.query(`UPDATE runs SET status = $2, exit_code = $3, finished_at = now() WHERE id = $1`, [id, status, exitCode]);
  const url = (id: string, query = '') => `${t.baseUrl}/api/runs/${id}/logs/stream${query}`;
  const ended = (c: SseConnection) => c.waitFor((e) => e.event === 'end');

  it('sends status, then the bytes the test writes as log events with byte-offset ids, then end, then closes', async () => {
    const id = await newRun();
    const client = await connectSse(url(id));
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.headers['cache-control']).toMatch(/no-cache/);
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['content-encoding']).toBeUndefined();
    await client.waitFor((e) => e.event === 'status');
    const written: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 30; i++) {
      const chunk = Buffer.from(`step ${i}\r${i % 3 === 0 ? '\n' : ''}\u00e9`);
      await store.append(id, offset, chunk);
      written.push(chunk);
      offset += chunk.length;
      if (i % 5 === 0) await sleep(60);
    }
    await client.waitFor((e) => e.event === 'log' && e.id === String(offset));
    await finish(id);
    const end = await ended(client);
    await client.closed;
    expect(JSON.parse(end.data)).toEqual({ status: 'succeeded', exitCode: 0, size: offset });
    expect(end.id).toBe(String(offset));
    expect(logBytes(client.events).equals(Buffer.concat(written))).toBe(true);
    const kinds = client.events.map((e) => e.event);
    expect(kinds[0]).toBe('status');
    expect(JSON.parse(client.events[0].data)).toEqual({ status: 'running', exitCode: null, failureReason: null });
    expect(kinds.slice(-2)).toEqual(['status', 'end']);
    expect(JSON.parse(client.events[client.events.length - 2].data)).toEqual({ status: 'succeeded', exitCode: 0, failureReason: null });
  });

  it('gives a finished run whole from the offset asked for, then end', async () => {
    const id = await newRun();
    const data = Buffer.from('0123456789abcdef');
    await store.append(id, 0, data.subarray(0, 10));
    await store.append(id, 10, data.subarray(10));
    await finish(id, 'failed', 2);
    for (const [query, headers, from] of [
      ['', {}, 0],
      ['?offset=4', {}, 4],
      ['?offset=1', { 'last-event-id': '12' }, 12],
      ['?offset=16', {}, 16],
    ] as const) {
      const client = await connectSse(url(id, query), headers);
      await client.closed;
      expect(logBytes(client.events, from).equals(data.subarray(from))).toBe(true);
      expect(JSON.parse(client.events[client.events.length - 1].data)).toEqual({ status: 'failed', exitCode: 2, size: 16 });
    }
  });

  it('resumes exactly where a cut connection stopped, every time (no gap, no duplicate)', async () => {
    const id = await newRun();
    const all: Buffer[] = [];
    let offset = 0;
    const writer = (async () => {
      for (let i = 0; i < 200; i++) {
        const chunk = Buffer.from(`line ${i} ${'#'.repeat(i % 17)}\n`);
        await store.append(id, offset, chunk);
        all.push(chunk);
        offset += chunk.length;
        await sleep(3);
      }
      await finish(id);
    })();
    const received: Buffer[] = [];
    let lastId: string | undefined;
    let reconnects = 0;
    for (;;) {
      const client = await connectSse(url(id), lastId ? { 'last-event-id': lastId } : {});
      const done = await Promise.race([ended(client).then(() => true), sleep(40 + Math.random() * 60).then(() => false)]);
      if (!done) client.cut();
      await client.closed;
      received.push(logBytes(client.events, lastId ? Number(lastId) : 0));
      const withId = client.events.filter((e) => e.id !== undefined);
      if (withId.length) lastId = withId[withId.length - 1].id;
      if (done) break;
      reconnects++;
    }
    await writer;
    expect(reconnects).toBeGreaterThan(5);
    expect(Buffer.concat(received).equals(Buffer.concat(all))).toBe(true);
  });

  it('serves 200 concurrent clients of one run identical bytes with one shared poller', async () => {
    const id = await newRun();
    const clients = await Promise.all(Array.from({ length: 200 }, () => connectSse(url(id))));
    await Promise.all(clients.map((c) => c.waitFor((e) => e.event === 'status')));
    const polls0 = streams.stats().polls.get(id) ?? 0;
    const started = Date.now();
    const written: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 20; i++) {
      const chunk = Buffer.from(`epoch ${i}: loss=${(1 / (i + 1)).toFixed(4)}\n`);
      await store.append(id, offset, chunk);
      written.push(chunk);
      offset += chunk.length;
      await sleep(20);
    }
    await finish(id);
    await Promise.all(clients.map((c) => c.closed));
    const elapsed = Date.now() - started;
    const expected = Buffer.concat(written);
    for (const c of clients) expect(logBytes(c.events).equals(expected)).toBe(true);
    // At most one poll per interval (plus one per write's wake-up) for the run, however many clients:
    // one query per client per interval would be 200 times as many.
    const polls = (streams.stats().polls.get(id) ?? 0) - polls0;
    expect(polls).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + written.length + 5);
  });

  it('stops polling a run once its last client has gone, and ends each subscription at once', async () => {
    const id = await newRun();
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectSse(url(id))));
    await Promise.all(clients.map((c) => c.waitFor((e) => e.event === 'status')));
    expect(streams.stats().pollers).toBeGreaterThanOrEqual(1);
    clients.slice(0, 10).forEach((c) => c.cut());
    await waitFor(async () => streams.stats().streams <= 10, 5000, 'cut streams to end');
    clients.slice(10).forEach((c) => c.cut());
    await waitFor(async () => streams.stats().streams === 0 && streams.stats().pollers === 0, 5000, 'the poller to stop');
    const polls = streams.stats().polls.get(id);
    await sleep(300);
    expect(streams.stats().polls.get(id)).toBe(polls);
  });

  it('sends a keep-alive while nothing else happens', async () => {
    const id = await newRun();
    const client = await connectSse(url(id));
    await sleep(700);
    client.cut();
    expect(client.body).toMatch(/^: keep-alive$/m);
  });

  it.each([
    [UNKNOWN, '', {}, 404, `run ${UNKNOWN} not found`],
    ['not-a-uuid', '', {}, 400, 'runId must be a UUID'],
    ['RUN', '?offset=-1', {}, 400, 'offset must be a non-negative integer (a byte count)'],
    ['RUN', '?offset=2.5', {}, 400, 'offset must be a non-negative integer (a byte count)'],
    ['RUN', '?offset=99', {}, 400, 'offset 99 is past the end of the log (size 3)'],
    ['RUN', '', { 'last-event-id': 'garbage' }, 400, /^Last-Event-ID must be a byte offset/],
    ['RUN', '', { 'last-event-id': '50' }, 400, 'offset 50 is past the end of the log (size 3)'],
  ])('answers %s%s %j with a JSON %i before any event', async (which, query, headers, status, message) => {
    const id = which === 'RUN' ? await newRun() : which;
    if (which === 'RUN') await store.append(id, 0, Buffer.from('abc'));
    const client = await connectSse(url(id, query), headers as Record<string, string>);
    await client.closed;
    expect(client.status).toBe(status);
    expect(client.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(client.body);
    expect(body.statusCode).toBe(status);
    expect(body.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });

  it('streams a real examples/train.py run live: first bytes before it exits, all bytes equal the raw log', async () => {
    const run = (
      await t.request('POST', `/api/experiments/${experimentId}/runs`, {
        command: ['python3', 'examples/train.py', '--epochs', '3', '--steps-per-epoch', '20', '--step-delay', '0.03'],
      })
    ).body;
    const client = await connectSse(url(run.id));
    await client.waitFor((e) => e.event === 'log');
    expect((await t.request('GET', `/api/runs/${run.id}`)).body.status).toBe('running');
    await ended(client);
    await client.closed;
    const raw = Buffer.from(await (await fetch(`${t.baseUrl}/api/runs/${run.id}/logs/raw`)).arrayBuffer());
    expect(logBytes(client.events).equals(raw)).toBe(true);
    expect(raw.toString()).toMatch(/final val_accuracy=/);
    expect(JSON.parse(client.events[client.events.length - 1].data)).toMatchObject({ status: 'succeeded', exitCode: 0, size: raw.length });
  });
});
