/**
 * The LISTEN/NOTIFY wake-up on top of the poll: with a poll interval far too long to explain it, a watcher still
 * gets each append within a fraction of a second; when the listener connection is killed, nothing is lost (the
 * poll covers the gap) and the listener comes back by itself.
 */
import { DataSource } from 'typeorm';
import { LOG_LISTENER_APPLICATION_NAME, LogNotifier } from '../src/logs/log-notifier';
import { LogStreamService } from '../src/logs/log-stream.service';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { connectSse, logBytes, SseConnection } from './sse-client';
import { startTestApp, TestApp, waitFor } from './test-app';

const POLL_INTERVAL_MS = 10_000;

describe('log wake-ups (LISTEN/NOTIFY)', () => {
  let t: TestApp;
  let ds: DataSource;
  let store: TrainingLogStore;
  let notifier: LogNotifier;
  let streams: LogStreamService;
  let experimentId: string;

  beforeAll(async () => {
    t = await startTestApp({ logPollIntervalMs: POLL_INTERVAL_MS });
    ds = t.app.get(DataSource);
    store = t.app.get(TrainingLogStore);
    notifier = t.app.get(LogNotifier);
    streams = t.app.get(LogStreamService);
    [{ id: experimentId }] = await ds.query(`INSERT INTO experiments (name) VALUES ('wake-ups') RETURNING id`);
  });
  afterAll(() => t.close());

  async function newRun(): Promise<string> {
    const [{ id }] = await ds.query(
      `INSERT INTO runs (experiment_id, name, command, cwd, status) VALUES ($1, 'r', '["x"]', '/', 'running') RETURNING id`,
      [experimentId],
    );
    return id;
  }
  const listenerPids = async (): Promise<number[]> =>
    (
      await ds.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [
        LOG_LISTENER_APPLICATION_NAME,
      ])
    ).map((row: { pid: number }) => row.pid);
  const received = (client: SseConnection) => logBytes(client.events);
  /** Waits (polling the client's events, not the server) until the client holds `length` log bytes. */
  const receivedLength = (client: SseConnection, length: number, timeoutMs: number) =>
    client.waitFor(() => received(client).length >= length, timeoutMs);

  /** Opens a stream and waits until the run's shared tail has done its first poll, so the next one is far off. */
  async function watch(id: string): Promise<SseConnection> {
    const before = streams.stats().polls.get(id) ?? 0;
    const client = await connectSse(`${t.baseUrl}/api/runs/${id}/logs/stream`);
    await client.waitFor((e) => e.event === 'status');
    await waitFor(async () => (streams.stats().polls.get(id) ?? 0) > before, 5000, 'the first poll');
    await new Promise((r) => setTimeout(r, 50));
    return client;
  }

  it('is listening on its own connection once the app is up', async () => {
    expect(notifier.listening).toBe(true);
    expect(await listenerPids()).toHaveLength(1);
  });

  it('tells watchers that a real run ended within a second, not at the next poll', async () => {
    const run = (
      await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', '-e', 'setTimeout(() => {}, 1500)'] })
    ).body;
    const client = await watch(run.id);
    await client.waitFor((e) => e.event === 'end', 5000);
    const done = (await t.request('GET', `/api/runs/${run.id}`)).body;
    const endSeenAt = Date.now();
    expect(endSeenAt - Date.parse(done.finishedAt)).toBeLessThan(1000);
    expect(JSON.parse(client.events[client.events.length - 1].data)).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });

  it(`delivers each append within a second although the poll interval is ${POLL_INTERVAL_MS} ms`, async () => {
    const id = await newRun();
    const client = await watch(id);
    const written: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 5; i++) {
      const line = Buffer.from(`line ${i} at ${Date.now()}\n`);
      const sentAt = Date.now();
      await store.append(id, offset, line);
      offset += line.length;
      written.push(line);
      await receivedLength(client, offset, 1000);
      expect(Date.now() - sentAt).toBeLessThan(1000);
    }
    expect(received(client).equals(Buffer.concat(written))).toBe(true);
    client.cut();
  });

  it('loses nothing when the listener connection is killed, and listens again by itself', async () => {
    const id = await newRun();
    const client = await watch(id);
    const written: Buffer[] = [];
    let offset = 0;
    const append = async (text: string) => {
      const bytes = Buffer.from(text);
      await store.append(id, offset, bytes);
      offset += bytes.length;
      written.push(bytes);
    };

    await append('before the kill\n');
    await receivedLength(client, offset, 1000);

    const [oldPid] = await listenerPids();
    await ds.query(`SELECT pg_terminate_backend($1)`, [oldPid]);
    // Appends while the listener is down: their notifications go nowhere; the poll must still bring them.
    for (let i = 0; i < 20; i++) await append(`while down ${i}\n`);
    await receivedLength(client, offset, POLL_INTERVAL_MS + 5000);

    const [newPid] = await waitFor(async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== oldPid ? pids : undefined;
    }, 10_000, 'a new listener connection');
    expect(newPid).not.toBe(oldPid);
    expect(notifier.listening).toBe(true);
    expect(notifier.connectionCount).toBeGreaterThanOrEqual(2);

    // Back to wake-ups: an append arrives long before the poll interval.
    await new Promise((r) => setTimeout(r, 100));
    const sentAt = Date.now();
    await append('after the reconnect\n');
    await receivedLength(client, offset, 1000);
    expect(Date.now() - sentAt).toBeLessThan(1000);

    expect(received(client).equals(Buffer.concat(written))).toBe(true);
    client.cut();
  });
});
