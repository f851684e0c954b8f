/**
 * Capture with real child processes into a real PostgreSQL: stored bytes equal printed bytes, in order,
 * with memory bounded while the child outruns the database.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogCaptureService } from '../src/logs/log-capture.service';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { startTestApp, TestApp, waitFor } from './test-app';

const PRINTER = path.join(__dirname, 'fixtures/printer.mjs');

function floodPattern(size: number): Buffer {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + (i >> 8)) & 0xff;
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += block.length) block.copy(out, o, 0, Math.min(block.length, size - o));
  return out;
}

describe('log capture', () => {
  let t: TestApp;
  let experimentId: string;
  let tmp: string;

  beforeAll(async () => {
    t = await startTestApp();
    experimentId = (await t.request('POST', '/api/experiments', { name: 'capture' })).body.id;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-capture-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function runToEnd(command: string[], extra: object = {}) {
    const created = await t.request('POST', `/api/experiments/${experimentId}/runs`, { command, ...extra });
    expect(created.status).toBe(201);
    const run = await waitFor(async () => {
      const r = (await t.request('GET', `/api/runs/${created.body.id}`)).body;
      return ['succeeded', 'failed', 'canceled'].includes(r.status) && r;
    }, 60_000);
    const raw = await fetch(`${t.baseUrl}/api/runs/${run.id}/logs/raw`);
    return { run, log: Buffer.from(await raw.arrayBuffer()) };
  }

  it('stores random binary output (8 MiB, in random-sized writes) byte for byte', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const file = path.join(tmp, 'random.bin');
    fs.writeFileSync(file, data);
    const { run, log } = await runToEnd(['node', PRINTER, 'file', file, '70000']);
    expect(run.status).toBe('succeeded');
    expect(run.logSize).toBe(data.length);
    expect(log.equals(data)).toBe(true);
  });

  it('keeps a UTF-8 character split across two writes intact', async () => {
    const { log } = await runToEnd(['node', PRINTER, 'split-utf8']);
    expect(log.toString('utf8')).toBe('caf\u00e9 costs 3\u20ac\n');
  });

  it('interleaves stdout and stderr in the order they were written', async () => {
    const { log } = await runToEnd(['node', PRINTER, 'alternate', '20']);
    const expected = Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'err' : 'out'} ${i}\n`).join('');
    expect(log.toString()).toBe(expected);
  });

  it('stores \\r progress redraws, ANSI colours and invalid UTF-8 exactly', async () => {
    const script = "process.stdout.write(Buffer.from([0x1b,0x5b,0x33,0x32,0x6d,0x6f,0x6b,0x1b,0x5b,0x30,0x6d,0x0d,0xff,0xfe,0x00,0x0a]))";
    const { log } = await runToEnd(['node', '-e', script]);
    expect([...log]).toEqual([0x1b, 0x5b, 0x33, 0x32, 0x6d, 0x6f, 0x6b, 0x1b, 0x5b, 0x30, 0x6d, 0x0d, 0xff, 0xfe, 0x00, 0x0a]);
  });

  it('bounds pending memory while a child prints faster than the database takes it (64 MiB flood)', async () => {
    const capture = t.app.get(LogCaptureService);
    const store = t.app.get(TrainingLogStore);
    const size = 64 * 1024 * 1024;
    // An empty finished run gives a log row to capture into directly, so the outcome (peak pending) is visible.
    const target = (await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['true'] })).body.id;
    await waitFor(async () => (await t.request('GET', `/api/runs/${target}`)).body.status === 'succeeded');
    const handle = capture.start(target, { command: ['node', PRINTER, 'flood', String(size)], cwd: process.cwd(), env: process.env as Record<string, string> });
    const outcome = await handle.finished;
    expect(outcome).toMatchObject({ kind: 'exited', code: 0 });
    if (outcome.kind !== 'exited') throw new Error('unreachable');
    expect(outcome.peakPendingBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    const stored = await store.read(target, 0, size + 1);
    expect(stored.length).toBe(size);
    expect(stored.equals(floodPattern(size))).toBe(true);
  });

  it('caps a log at LOG_MAX_BYTES and says with one marker line how much was dropped', async () => {
    const capped = await startTestApp({ logMaxBytes: 1000 });
    try {
      const exp = (await capped.request('POST', '/api/experiments', { name: 'cap' })).body.id;
      const created = await capped.request('POST', `/api/experiments/${exp}/runs`, {
        command: ['node', '-e', "process.stdout.write('x'.repeat(5000))"],
      });
      const run = await waitFor(async () => {
        const r = (await capped.request('GET', `/api/runs/${created.body.id}`)).body;
        return r.status === 'succeeded' && r;
      });
      const log = Buffer.from(await (await fetch(`${capped.baseUrl}/api/runs/${run.id}/logs/raw`)).arrayBuffer()).toString();
      expect(log.slice(0, 1000)).toBe('x'.repeat(1000));
      const marker = log.slice(1000);
      expect(marker).toMatch(/log limit reached: 4000 bytes of output past LOG_MAX_BYTES \(1000 bytes\) were dropped/);
      expect(marker.trim().split('\n')).toHaveLength(1);
    } finally {
      await capped.close();
    }
  });
});
