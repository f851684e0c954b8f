/** A run's status follows its real process: exits, signals, start failures, cancel of a process group, restarts. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { createTestDatabase, TestDatabase } from './test-database';
import { REPO_ROOT, startTestApp, TestApp, waitFor } from './test-app';

const PRINTER = path.join(__dirname, 'fixtures/printer.mjs');
const FINISHED = ['succeeded', 'failed', 'canceled'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('run lifecycle', () => {
  let t: TestApp;
  let experimentId: string;
  let tmp: string;

  beforeAll(async () => {
    t = await startTestApp({ runCancelGraceMs: 500 });
    experimentId = (await t.request('POST', '/api/experiments', { name: 'lifecycle' })).body.id;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-life-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const launch = async (body: object) => (await t.request('POST', `/api/experiments/${experimentId}/runs`, body)).body;
  const finished = (id: string) =>
    waitFor(async () => {
      const r = (await t.request('GET', `/api/runs/${id}`)).body;
      return FINISHED.includes(r.status) && r;
    }, 30_000);
  const logOf = async (id: string) => Buffer.from(await (await fetch(`${t.baseUrl}/api/runs/${id}/logs/raw`)).arrayBuffer()).toString();

  it('marks a non-zero exit failed with the code in words', async () => {
    const run = await finished((await launch({ command: ['node', '-e', 'console.error("boom"); process.exit(3)'] })).id);
    expect(run).toMatchObject({ status: 'failed', exitCode: 3, signal: null, failureReason: 'exited with code 3' });
    expect(await logOf(run.id)).toBe('boom\n');
  });

  it('marks a process killed by a signal it was not asked to take failed', async () => {
    const run = await finished((await launch({ command: ['node', '-e', 'process.kill(process.pid, "SIGKILL")'] })).id);
    expect(run).toMatchObject({ status: 'failed', exitCode: null, signal: 'SIGKILL', failureReason: 'killed by signal SIGKILL' });
  });

  it('fails a command that is not found, says why, and writes the reason into the log', async () => {
    const created = await launch({ command: ['python4-does-not-exist', 'train.py'] });
    expect(created).toMatchObject({ status: 'failed', failureReason: 'spawn python4-does-not-exist ENOENT' });
    expect(await logOf(created.id)).toContain('failed to start: spawn python4-does-not-exist ENOENT');
  });

  it('fails a command that is not executable (EACCES)', async () => {
    const file = path.join(tmp, 'not-executable.sh');
    fs.writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const created = await launch({ command: [file] });
    expect(created.status).toBe('failed');
    expect(created.failureReason).toMatch(/EACCES/);
    expect(await logOf(created.id)).toMatch(/failed to start: .*EACCES/);
  });

  it('fails a run whose working directory does not exist', async () => {
    const created = await launch({ command: ['ls'], cwd: '/no/such/dir' });
    expect(created).toMatchObject({ status: 'failed', failureReason: 'working directory /no/such/dir does not exist' });
    expect(await logOf(created.id)).toContain('working directory /no/such/dir does not exist');
  });

  it('runs in cwd with the env given, plus PYTHONUNBUFFERED and FORCE_COLOR unless env sets them', async () => {
    const script = 'console.log(process.cwd(), process.env.PYTHONUNBUFFERED, process.env.FORCE_COLOR, process.env.MY_VAR)';
    const a = await finished((await launch({ command: ['node', '-e', script], cwd: 'examples', env: { MY_VAR: 'x y' } })).id);
    expect(await logOf(a.id)).toBe(`${path.join(REPO_ROOT, 'examples')} 1 1 x y\n`);
    const b = await finished((await launch({ command: ['node', '-e', script], env: { FORCE_COLOR: '0', PYTHONUNBUFFERED: '' } })).id);
    expect(await logOf(b.id)).toBe(`${REPO_ROOT}  0 undefined\n`);
  });

  it('cancels the whole process group (a grandchild too) and ends canceled', async () => {
    const pidFile = path.join(tmp, 'grandchild.pid');
    const run = await launch({ command: ['node', PRINTER, 'grandchild', pidFile] });
    const grandchild = await waitFor(async () => fs.existsSync(pidFile) && Number(fs.readFileSync(pidFile, 'utf8')));
    expect(alive(grandchild)).toBe(true);
    const canceled = await t.request('POST', `/api/runs/${run.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', signal: 'SIGTERM', failureReason: null });
    await waitFor(async () => !alive(grandchild), 5000, 'the grandchild to be gone');
  });

  it('kills a run that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const run = await launch({ command: ['node', PRINTER, 'ignore-term'] });
    await waitFor(async () => (await logOf(run.id)).includes('ready'));
    const started = Date.now();
    const canceled = await t.request('POST', `/api/runs/${run.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: 'canceled', signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(await logOf(run.id)).toContain('got SIGTERM, ignoring it');
  });

  it('stores the first epoch of examples/train.py while it still runs, then succeeds', async () => {
    // These machines set PYTHONUNBUFFERED for every process; the server must set it itself for runs.
    const saved = process.env['PYTHONUNBUFFERED'];
    delete process.env['PYTHONUNBUFFERED'];
    try {
      const run = await launch({ command: ['python3', 'examples/train.py', '--epochs', '3', '--steps-per-epoch', '20', '--step-delay', '0.03'] });
      await waitFor(async () => (await logOf(run.id)).includes('Epoch 1/3'), 20_000, 'the first epoch in the log');
      expect((await t.request('GET', `/api/runs/${run.id}`)).body.status).toBe('running');
      const done = await finished(run.id);
      expect(done).toMatchObject({ status: 'succeeded', exitCode: 0 });
      const log = await logOf(done.id);
      expect(log).toContain('\r');
      expect(log).toContain('\x1b[');
      expect(log).toMatch(/final val_accuracy=0\.\d+/);
      expect(done.logSize).toBe(Buffer.byteLength(log));
    } finally {
      if (saved !== undefined) process.env['PYTHONUNBUFFERED'] = saved;
    }
  });
});

describe('restart recovery', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db.drop());

  it('fails runs left running by a server that died, appending a line to their logs, losing nothing', async () => {
    const ds = await new DataSource({ ...dataSourceOptions(db.url), migrationsRun: false }).initialize();
    const [exp] = await ds.query(`INSERT INTO experiments (name) VALUES ('crashed') RETURNING id`);
    const [run] = await ds.query(
      `INSERT INTO runs (experiment_id, name, command, cwd, status, started_at) VALUES ($1, 'r', '["x"]', '/', 'running', now()) RETURNING id`,
      [exp.id],
    );
    const store = new TrainingLogStore(ds);
    await store.append(run.id, 0, Buffer.from('epoch 1\n'));
    await store.append(run.id, 8, Buffer.from('epoch 2\r'));
    await ds.destroy();

    const t = await startTestApp({}, db);
    try {
      const after = (await t.request('GET', `/api/runs/${run.id}`)).body;
      expect(after).toMatchObject({ status: 'failed', failureReason: 'the server stopped while the run was active' });
      const log = Buffer.from(await (await fetch(`${t.baseUrl}/api/runs/${run.id}/logs/raw`)).arrayBuffer()).toString();
      expect(log.startsWith('epoch 1\nepoch 2\r')).toBe(true);
      expect(log.slice(16)).toContain('the server stopped while the run was active');
      expect(after.logSize).toBe(Buffer.byteLength(log));
    } finally {
      await t.close();
    }
  });
});
