/** Experiments and runs over real HTTP: every 400, 404 and 409 of the contract, with its message. */
import { startTestApp, TestApp, waitFor } from './test-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('experiments and runs API', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  describe('experiments', () => {
    it('creates, lists newest first, and gets one', async () => {
      const a = await t.request('POST', '/api/experiments', { name: 'alpha', description: 'first' });
      expect(a.status).toBe(201);
      expect(a.body).toEqual({ id: expect.any(String), name: 'alpha', description: 'first', createdAt: expect.any(String), runCount: 0 });
      const b = await t.request('POST', '/api/experiments', { name: 'beta' });
      expect(b.body.description).toBeNull();
      const list = await t.request('GET', '/api/experiments');
      expect(list.body.map((e: { name: string }) => e.name).slice(0, 2)).toEqual(['beta', 'alpha']);
      const one = await t.request('GET', `/api/experiments/${a.body.id}`);
      expect(one.body).toEqual(a.body);
    });

    it('refuses a duplicate name with 409 naming the field', async () => {
      await t.request('POST', '/api/experiments', { name: 'dup' });
      const again = await t.request('POST', '/api/experiments', { name: 'dup' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringContaining('name') });
    });

    it.each([
      [{}, /name/],
      [{ name: '' }, /name/],
      [{ name: '   ' }, /name must not be blank/],
      [{ name: 42 }, /name must be a string/],
      [{ name: 'x'.repeat(201) }, /name must be shorter than or equal to 200/],
      [{ name: 'ok', description: 7 }, /description must be a string/],
      [{ name: 'ok', color: 'red' }, /property color should not exist/],
    ])('refuses %j with 400', async (body, message) => {
      const res = await t.request('POST', '/api/experiments', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Bad Request');
      expect(typeof res.body.message).toBe('string');
      expect(res.body.message).toMatch(message);
    });

    it('answers malformed JSON with 400, a malformed id with 400 and an unknown one with 404', async () => {
      const bad = await t.request('POST', '/api/experiments', '{"name":', {});
      expect(bad.status).toBe(400);
      expect((await t.request('GET', '/api/experiments/not-a-uuid')).body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'experimentId must be a UUID',
      });
      const missing = await t.request('GET', `/api/experiments/${UNKNOWN}`);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe(`experiment ${UNKNOWN} not found`);
    });
  });

  describe('runs', () => {
    let experimentId: string;
    beforeAll(async () => {
      experimentId = (await t.request('POST', '/api/experiments', { name: 'runs-exp' })).body.id;
    });

    it('launches a command, which runs and succeeds, and lists runs newest first with a run count', async () => {
      const created = await t.request('POST', `/api/experiments/${experimentId}/runs`, {
        name: 'hello',
        command: ['node', '-e', 'console.log("hi")'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'hello', experimentId, command: ['node', '-e', 'console.log("hi")'], status: 'running' });
      expect(created.body).not.toHaveProperty('env');
      const done = await waitFor(async () => {
        const r = await t.request('GET', `/api/runs/${created.body.id}`);
        return r.body.status === 'succeeded' && r.body;
      });
      expect(done).toMatchObject({ exitCode: 0, signal: null, failureReason: null, logSize: 3 });
      expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
      const second = await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['true'] });
      expect(second.body.name).toBe('true');
      const list = await t.request('GET', `/api/experiments/${experimentId}/runs`);
      expect(list.body.map((r: { id: string }) => r.id)).toEqual([second.body.id, created.body.id]);
      expect((await t.request('GET', `/api/experiments/${experimentId}`)).body.runCount).toBe(2);
    });

    it.each([
      [{}, /command/],
      [{ command: [] }, /command must be a non-empty array/],
      [{ command: 'python3 train.py' }, /command must be an array/],
      [{ command: ['python3', 3] }, /each value in command must be a string/],
      [{ command: ['a\u0000b'] }, /NUL/],
      [{ command: ['true'], env: ['A=1'] }, /env must be an object/],
      [{ command: ['true'], env: { A: 1 } }, /env must be an object/],
      [{ command: ['true'], env: { '1BAD': 'x' } }, /env must be an object/],
      [{ command: ['true'], cwd: 5 }, /cwd must be a string/],
      [{ command: ['true'], name: '' }, /name should not be empty/],
      [{ command: ['true'], shell: true }, /property shell should not exist/],
    ])('refuses %j with 400', async (body, message) => {
      const res = await t.request('POST', `/api/experiments/${experimentId}/runs`, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    });

    it('answers 404 for runs of an unknown experiment, and for an unknown run', async () => {
      expect((await t.request('POST', `/api/experiments/${UNKNOWN}/runs`, { command: ['true'] })).status).toBe(404);
      expect((await t.request('GET', `/api/experiments/${UNKNOWN}/runs`)).status).toBe(404);
      const run = await t.request('GET', `/api/runs/${UNKNOWN}`);
      expect(run.status).toBe(404);
      expect(run.body.message).toBe(`run ${UNKNOWN} not found`);
      expect((await t.request('POST', `/api/runs/${UNKNOWN}/cancel`)).status).toBe(404);
      expect((await t.request('GET', '/api/runs/123/logs')).body.message).toBe('runId must be a UUID');
    });

    it('answers 409 when canceling a run that already finished', async () => {
      const run = await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['true'] });
      await waitFor(async () => (await t.request('GET', `/api/runs/${run.body.id}`)).body.status === 'succeeded');
      const cancel = await t.request('POST', `/api/runs/${run.body.id}/cancel`);
      expect(cancel.status).toBe(409);
      expect(cancel.body.message).toMatch(/already finished \(status succeeded\)/);
    });
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await t.request('GET', '/api/health')).body).toEqual({ status: 'ok' });
    const doc = (await t.request('GET', '/api/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/experiments',
        '/api/experiments/{experimentId}/runs',
        '/api/runs/{runId}/cancel',
        '/api/runs/{runId}/logs',
        '/api/runs/{runId}/logs/raw',
        '/api/runs/{runId}/logs/stream',
      ]),
    );
  });
});
