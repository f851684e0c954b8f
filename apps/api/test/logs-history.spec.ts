/** GET /logs (JSON slices) and GET /logs/raw (bytes, Range) over chunks the test writes into the table. */
import { DataSource } from 'typeorm';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { startTestApp, TestApp } from './test-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('log history', () => {
  let t: TestApp;
  let ds: DataSource;
  let store: TrainingLogStore;
  let experimentId: string;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    store = t.app.get(TrainingLogStore);
    [{ id: experimentId }] = await ds.query(`INSERT INTO experiments (name) VALUES ('history') RETURNING id`);
  });
  afterAll(() => t.close());

  async function runWithLog(status: string, data: Buffer, chunk = 97): Promise<string> {
    const [{ id }] = await ds.query(
      `INSERT INTO runs (experiment_id, name, command, cwd, status) VALUES ($1, 'r', '["x"]', '/', $2) RETURNING id`,
      [experimentId, status],
    );
    for (let o = 0; o < data.length; o += chunk) await store.append(id, o, data.subarray(o, o + chunk));
    return id;
  }
  const slice = async (id: string, query = '') => t.request('GET', `/api/runs/${id}/logs${query}`);
  const decode = (b64: string) => Buffer.from(b64, 'base64');

  it('returns a small log whole, complete once the run has finished', async () => {
    const id = await runWithLog('succeeded', bytes);
    const res = await slice(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ runId: id, runStatus: 'succeeded', offset: 0, nextOffset: 1000, size: 1000, complete: true });
    expect(decode(res.body.data).equals(bytes)).toBe(true);
    const running = await runWithLog('running', bytes);
    expect((await slice(running)).body).toMatchObject({ complete: false, nextOffset: 1000 });
  });

  it('returns slices by offset and limit that join up exactly', async () => {
    const id = await runWithLog('running', bytes);
    const parts: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const res = await slice(id, `?offset=${offset}&limit=150`);
      expect(res.body.offset).toBe(offset);
      parts.push(decode(res.body.data));
      if (res.body.nextOffset === res.body.size) break;
      expect(res.body.nextOffset).toBe(offset + 150);
      offset = res.body.nextOffset;
    }
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    const end = await slice(id, '?offset=1000');
    expect(end.body).toMatchObject({ offset: 1000, nextOffset: 1000, data: '' });
  });

  it('returns the last N bytes with tail', async () => {
    const id = await runWithLog('succeeded', bytes);
    const res = await slice(id, '?tail=300');
    expect(res.body).toMatchObject({ offset: 700, nextOffset: 1000, complete: true });
    expect(decode(res.body.data).equals(bytes.subarray(700))).toBe(true);
    expect((await slice(id, '?tail=5000')).body.offset).toBe(0);
    expect((await slice(id, '?tail=0')).body).toMatchObject({ offset: 1000, data: '' });
  });

  it('answers an empty log', async () => {
    const id = await runWithLog('queued', Buffer.alloc(0));
    expect((await slice(id)).body).toMatchObject({ offset: 0, nextOffset: 0, size: 0, complete: false, data: '' });
  });

  it.each([
    ['?offset=-1', 400, /offset must be a non-negative integer/],
    ['?offset=abc', 400, /offset must be a non-negative integer/],
    ['?offset=1.5', 400, /offset must be a non-negative integer/],
    ['?offset=1e3', 400, /offset must be a non-negative integer/],
    ['?limit=0', 400, /limit must be at least 1/],
    ['?limit=16777217', 400, /limit must be at most 16777216/],
    ['?tail=x', 400, /tail must be a non-negative integer/],
    ['?tail=10&offset=0', 400, /tail cannot be combined with offset/],
    ['?since=3', 400, /property since should not exist/],
    ['?offset=1001', 416, /offset 1001 is past the end of the log \(size 1000\)/],
  ])('answers %s with %i and a message naming the field', async (query, status, message) => {
    const id = await runWithLog('running', bytes);
    const res = await slice(id, query);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
  });

  it('answers 404 for an unknown run and 400 for a malformed id', async () => {
    expect((await slice(UNKNOWN)).body).toEqual({ statusCode: 404, error: 'Not Found', message: `run ${UNKNOWN} not found` });
    expect((await slice('abc')).status).toBe(400);
    expect((await t.request('GET', `/api/runs/${UNKNOWN}/logs/raw`)).status).toBe(404);
  });

  describe('raw', () => {
    let id: string;
    beforeAll(async () => (id = await runWithLog('succeeded', bytes)));
    const raw = (headers: Record<string, string> = {}) => fetch(`${t.baseUrl}/api/runs/${id}/logs/raw`, { headers });

    it('streams the whole log as an attachment with its length', async () => {
      const res = await raw();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-length')).toBe('1000');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}.log"`);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it.each([
      ['bytes=0-99', 0, 100],
      ['bytes=950-', 950, 1000],
      ['bytes=-10', 990, 1000],
      ['bytes=990-5000', 990, 1000],
    ])('answers Range %s with 206 and that part', async (range, from, to) => {
      const res = await raw({ range });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${from}-${to - 1}/1000`);
      expect(res.headers.get('content-length')).toBe(String(to - from));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(from, to))).toBe(true);
    });

    it('answers a range outside the log with 416 and a malformed one with 400', async () => {
      const outside = await raw({ range: 'bytes=1000-' });
      expect(outside.status).toBe(416);
      expect(((await outside.json()) as { message: string }).message).toMatch(/size 1000/);
      const malformed = await raw({ range: 'lines=1-2' });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { message: string }).message).toMatch(/^Range must be/);
      expect((await raw({ range: 'bytes=5-1' })).status).toBe(400);
    });

    it('reads a log larger than one page (3 MiB in 256 KiB chunks) exactly', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < big.length; i++) big[i] = (i * 13 + (i >> 10)) & 0xff;
      const bigId = await runWithLog('succeeded', big, 256 * 1024);
      const res = await fetch(`${t.baseUrl}/api/runs/${bigId}/logs/raw`);
      expect(res.headers.get('content-length')).toBe(String(big.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
      const mid = await fetch(`${t.baseUrl}/api/runs/${bigId}/logs/raw`, { headers: { range: 'bytes=1000000-2100000' } });
      expect(Buffer.from(await mid.arrayBuffer()).equals(big.subarray(1_000_000, 2_100_001))).toBe(true);
    });
  });
});
