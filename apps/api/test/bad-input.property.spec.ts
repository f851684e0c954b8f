/**
 * Bad input, generated (fast-check): every endpoint's path params, query, headers (Last-Event-ID, Range) and
 * bodies get arbitrary strings, huge and negative numbers, unicode, wrong types, unknown fields, repeated
 * parameters and oversized bodies. The answer is never a 5xx; an error is a 4xx with the contract's
 * `{ statusCode, error, message }` and a non-empty message; and nothing stored changes (row counts and a run's
 * log bytes compared before and after each request). The API runs with an API_TOKEN, sent with every request,
 * so the guard and the validation are exercised together. Counts of generated inputs are printed at the end.
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { startTestApp, TestApp, waitFor } from './test-app';

jest.setTimeout(120_000);

const TOKEN = 'property-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Answer {
  status: number;
  body: unknown;
}

const counts: Record<string, number> = {};

describe('bad input never gives a 5xx and changes nothing', () => {
  let t: TestApp;
  let pg: Client;
  let experimentId: string;
  let runId: string;
  let before: string;

  beforeAll(async () => {
    t = await startTestApp({ apiToken: TOKEN, authMaxFailures: 1_000_000 }); // these tests present hundreds of wrong tokens
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    experimentId = (await t.request('POST', '/api/experiments', { name: 'props' }, AUTH)).body.id;
    runId = (await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', '-e', 'for (let i = 0; i < 500; i++) console.log("row", i, "é\\u{1F600}")'] }, AUTH)).body.id;
    await waitFor(async () => (await t.request('GET', `/api/runs/${runId}`, undefined, AUTH)).body.status === 'succeeded');
    before = await snapshot();
  });
  afterAll(async () => {
    console.log(`generated bad inputs per endpoint:\n${Object.entries(counts).map(([k, v]) => `  ${v}\t${k}`).join('\n')}`);
    await pg.end();
    await t.close();
  });

  /** Everything a request could change: experiments, runs (with their state) and log chunks. */
  async function snapshot(): Promise<string> {
    const { rows } = await pg.query(`
      SELECT (SELECT count(*) FROM experiments) AS experiments,
             (SELECT string_agg(id || status || log_size, ',' ORDER BY id) FROM runs) AS runs,
             (SELECT count(*) FROM training_logs) AS chunks,
             (SELECT md5(string_agg(data, ''::bytea ORDER BY run_id, byte_offset)) FROM training_logs) AS bytes`);
    return JSON.stringify(rows[0]);
  }

  async function send(method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const controller = new AbortController();
    const res = await fetch(t.baseUrl + url, {
      method,
      headers: { ...AUTH, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body,
      signal: controller.signal,
    });
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      controller.abort(); // a valid stream request: its status is all we need
      return { status: res.status, body: undefined };
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }

  /** The invariant: no 5xx; an error is the contract's JSON; nothing stored changed. */
  async function check(endpoint: string, answer: Answer, allowed: number[]): Promise<void> {
    counts[endpoint] = (counts[endpoint] ?? 0) + 1;
    if (process.env['DEBUG_PROPS']) console.log(endpoint, answer.status, JSON.stringify(answer.body).slice(0, 200));
    expect(answer.status).toBeLessThan(500);
    expect(allowed).toContain(answer.status);
    if (answer.status >= 400) {
      expect(answer.body).toEqual({ statusCode: answer.status, error: expect.any(String), message: expect.any(String) });
      const { message, error } = answer.body as { message: string; error: string };
      expect(message.trim().length).toBeGreaterThan(0);
      expect(error.trim().length).toBeGreaterThan(0);
    }
    const after = await snapshot();
    if (after !== before) {
      // Re-based, so that fast-check's shrinking judges each smaller input on its own, not on this one's change.
      const was = before;
      before = after;
      expect(after).toBe(was);
    }
  }

  // ---- generators -------------------------------------------------------------------------------------------
  const weirdString = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', ' ', '-1', '1e3', '0x10', '9'.repeat(40), '1.5', 'NaN', 'Infinity', '%', '%00', '..', '\u0000', 'null', '[]', '{}', '__proto__', 'constructor'),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.double().map(String),
  );
  /** JSON text of a value; `{ __text }` is text built by hand (keys JSON.stringify would not keep). */
  const body = (v: unknown): string =>
    v === undefined ? 'null' : typeof v === 'object' && v !== null && '__text' in v ? String((v as { __text: string }).__text) : JSON.stringify(v);
  const jsonAnything = fc.oneof(fc.jsonValue(), fc.constantFrom(null, true, 0, -1, 1e308, -1e308, 2 ** 53 + 1, [], {}), weirdString);
  const unknownKey = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'shell', 'id', 'status', 'logSize'));
  /** A string that fetch accepts as a header value (no CR, LF or NUL; latin1). */
  const headerValue = fc.oneof(weirdString, fc.string({ unit: 'binary-ascii' })).filter((s) => /^[\x20-\x7e\t]*$/.test(s) && s.trim() === s);
  // '', '.' and '..' are not path params: the URL resolves to another route (`/api/experiments/` is the list).
  const pathParam = fc
    .oneof(weirdString, fc.uuid().map((u) => u.toUpperCase() + 'x'), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'not-a-uuid', '123'))
    .filter((p) => !['', '.', '..'].includes(p));
  const unknownUuid = fc.uuid({ version: 4 });

  /** JSON text that is not valid JSON, or valid JSON of the wrong shape. */
  const rawBody = fc.oneof(
    fc.string().map((s) => s),
    fc.constantFrom('{', '{"name":', '[1,2', '{"a":1}}', 'nul', '"', '{"name":"a",}'),
  );

  const nonBlankName = fc.string({ minLength: 1, maxLength: 50 }).filter((n) => /\S/.test(n));
  /** JSON text of bodies that are each wrong in at least one way. */
  const badExperimentBody = fc.oneof(
    jsonAnything.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => body(v)),
    fc.record({ name: jsonAnything.filter((v) => typeof v !== 'string' && v !== null) }).map((v) => body(v)),
    fc.record({ name: fc.stringMatching(/^\s*$/) }).map((v) => body(v)),
    fc.record({ name: fc.string({ minLength: 201, maxLength: 400 }) }).map((v) => body(v)),
    fc.record({ description: fc.string() }).map((v) => body(v)),
    fc.tuple(nonBlankName, unknownKey.filter((k) => k !== 'name' && k !== 'description'), jsonAnything)
      .map(([name, k, v]) => `{"name":${JSON.stringify(name)},${JSON.stringify(k)}:${body(v)}}`),
    fc.record({ name: nonBlankName, description: jsonAnything.filter((v) => typeof v !== 'string' && v !== undefined && v !== null) }).map((v) => body(v)),
  );

  const validCommand = fc.constant(['true']);
  const badCommand = fc.oneof(
    jsonAnything.filter((v) => !Array.isArray(v)),
    fc.constant([]),
    fc.array(jsonAnything, { minLength: 1 }).filter((a) => a.some((x) => typeof x !== 'string')),
    fc.array(fc.string(), { maxLength: 3 }).map((a) => [...a, 'a\u0000b']),
  );
  const badEnv = fc.oneof(
    jsonAnything.filter((v) => typeof v !== 'object' || Array.isArray(v)), // null means "no env", which is valid
    fc.tuple(fc.string().filter((k) => !ENV_NAME.test(k)), fc.string()).map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v)}}`)),
    fc.tuple(fc.stringMatching(ENV_NAME), jsonAnything.filter((v) => typeof v !== 'string')).map(([k, v]) => ({ [k]: v })),
  );
  const badRunBody = fc.oneof(
    jsonAnything.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.record({ name: fc.string() }, { requiredKeys: [] }),
    fc.record({ command: badCommand, cwd: fc.option(fc.string()), name: fc.option(fc.string()) }, { requiredKeys: ['command'] }),
    fc.record({ command: validCommand, env: badEnv }),
    fc.record({ command: validCommand, cwd: jsonAnything.filter((v) => typeof v !== 'string' && v !== null && v !== undefined) }),
    fc.record({ command: validCommand, cwd: fc.constant('') }),
    fc.record({ command: validCommand, name: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 300 }), jsonAnything.filter((v) => typeof v !== 'string' && v !== null && v !== undefined)) }),
    fc.tuple(unknownKey.filter((k) => !['name', 'command', 'cwd', 'env'].includes(k)), jsonAnything).map(([k, v]) => ({ __text: `{"command":["true"],${JSON.stringify(k)}:${body(v)}}` })),
    fc.record({ command: fc.array(fc.constant('x'), { minLength: 1001, maxLength: 1001 }) }),
  );

  const queryValue = fc.oneof(weirdString, fc.array(weirdString, { minLength: 2, maxLength: 3 }));
  const query = fc
    .record({ offset: queryValue, limit: queryValue, tail: queryValue, extra: fc.tuple(unknownKey, weirdString) }, { requiredKeys: [] })
    .map((q) => {
      const params = new URLSearchParams();
      for (const key of ['offset', 'limit', 'tail'] as const) {
        const v = q[key];
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) params.append(key, item);
      }
      if (q.extra) params.append(q.extra[0], q.extra[1]);
      return params.toString();
    });


  // ---- properties -------------------------------------------------------------------------------------------
  it('POST /api/experiments: bad bodies, malformed JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(badExperimentBody, rawBody), async (text) => {
        await check('POST /api/experiments (body)', await send('POST', '/api/experiments', { body: text }), [400]);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('POST /api/experiments/:experimentId/runs: bad path params and bad bodies', async () => {
    await fc.assert(
      fc.asyncProperty(pathParam, async (id) => {
        const answer = await send('POST', `/api/experiments/${encodeURIComponent(id)}/runs`, { body: '{"command":["true"]}' });
        await check('POST /api/experiments/:experimentId/runs (path)', answer, [400, 404]);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(badRunBody.map(body), rawBody), async (text) => {
        await check('POST /api/experiments/:experimentId/runs (body)', await send('POST', `/api/experiments/${experimentId}/runs`, { body: text }), [400]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it.each([
    ['GET', '/api/experiments/:id', (id: string) => `/api/experiments/${id}`],
    ['GET', '/api/experiments/:id/runs', (id: string) => `/api/experiments/${id}/runs`],
    ['GET', '/api/runs/:id', (id: string) => `/api/runs/${id}`],
    ['POST', '/api/runs/:id/cancel', (id: string) => `/api/runs/${id}/cancel`],
    ['GET', '/api/runs/:id/logs', (id: string) => `/api/runs/${id}/logs`],
    ['GET', '/api/runs/:id/logs/raw', (id: string) => `/api/runs/${id}/logs/raw`],
    ['GET', '/api/runs/:id/logs/stream', (id: string) => `/api/runs/${id}/logs/stream`],
  ])('%s %s: malformed and unknown ids', async (method, name, url) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathParam, unknownUuid), async (id) => {
        await check(`${method} ${name} (path)`, await send(method, url(encodeURIComponent(id))), [400, 404]);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET /api/runs/:runId/logs: arbitrary offset, limit, tail (repeated, unknown)', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        await check('GET /api/runs/:runId/logs (query)', await send('GET', `/api/runs/${runId}/logs?${q}`), [200, 400, 416]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('GET /api/runs/:runId/logs/raw: arbitrary Range headers', async () => {
    const range = fc.oneof(
      headerValue,
      fc.tuple(fc.oneof(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String), fc.constant('')), fc.oneof(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String), fc.constant('')))
        .map(([a, b]) => `bytes=${a}-${b}`),
      fc.constantFrom('bytes=0-1,5-9', 'bytes=-0', 'bytes=0-0', 'items=0-5', 'bytes = 0-5', 'bytes=99999999999999999999-'),
    );
    await fc.assert(
      fc.asyncProperty(range, async (r) => {
        await check('GET /api/runs/:runId/logs/raw (Range)', await send('GET', `/api/runs/${runId}/logs/raw`, { headers: { range: r } }), [200, 206, 400, 416]);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('GET /api/runs/:runId/logs/stream: arbitrary Last-Event-ID and offset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(headerValue), fc.option(queryValue), async (lastEventId, offset) => {
        const params = new URLSearchParams();
        for (const item of offset === null ? [] : Array.isArray(offset) ? offset : [offset]) params.append('offset', item);
        const headers: Record<string, string> = lastEventId === null ? {} : { 'last-event-id': lastEventId };
        await check('GET /api/runs/:runId/logs/stream (Last-Event-ID, offset)', await send('GET', `/api/runs/${runId}/logs/stream?${params}`, { headers }), [200, 400]);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('POST /api/auth/session: bad bodies and wrong tokens', async () => {
    const sessionBody = fc.oneof(
      jsonAnything.map(body),
      fc.record({ token: jsonAnything }).map(body),
      fc.record({ token: fc.string(), extra: jsonAnything }).map(body),
      rawBody,
    );
    await fc.assert(
      fc.asyncProperty(sessionBody, async (text) => {
        await check('POST /api/auth/session (body)', await send('POST', '/api/auth/session', { body: text, headers: { authorization: '' } }), [400, 401]);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('oversized bodies on every endpoint that takes one: 413, nothing stored', async () => {
    const big = fc.integer({ min: 1024 * 1024 + 1, max: 3 * 1024 * 1024 }).map((n) => JSON.stringify({ name: 'x'.repeat(n), command: ['true'], token: 'y' }));
    for (const url of ['/api/experiments', `/api/experiments/${experimentId}/runs`, '/api/auth/session']) {
      await fc.assert(
        fc.asyncProperty(big, async (text) => {
          const answer = await send('POST', url, { body: text });
          await check(`POST ${url.replace(experimentId, ':experimentId')} (oversized body)`, answer, [413]);
        }),
        { numRuns: 5 },
      );
    }
  });
});
