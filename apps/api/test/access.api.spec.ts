/**
 * Access: with API_TOKEN set, every /api route but /api/health and the sign-in endpoints answers 401 without the
 * token (Bearer header or session cookie); the 401 says nothing about runs. Also: security headers, no CORS
 * unless configured, a body size limit, env never echoed back, argv passed literally (no shell).
 */
import { SESSION_COOKIE } from '@ml-portal/contracts';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { connectSse } from './sse-client';
import { startTestApp, TestApp, waitFor } from './test-app';

const TOKEN = 'test-token-0123456789abcdef';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('access with API_TOKEN', () => {
  let t: TestApp;
  let experimentId: string;
  let runId: string;
  const bearer = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    t = await startTestApp({ apiToken: TOKEN, authMaxFailures: 1_000_000 }); // these tests present hundreds of wrong tokens
    experimentId = (await t.request('POST', '/api/experiments', { name: 'secret-exp' }, bearer)).body.id;
    runId = (await t.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', '-e', 'console.log("secret output")'] }, bearer)).body.id;
    await waitFor(async () => (await t.request('GET', `/api/runs/${runId}`, undefined, bearer)).body.status === 'succeeded');
  });
  afterAll(() => t.close());

  const protectedRoutes = (): [string, string, unknown?][] => [
    ['GET', '/api/experiments'],
    ['POST', '/api/experiments', { name: 'intruder' }],
    ['GET', `/api/experiments/${experimentId}`],
    ['GET', `/api/experiments/${UNKNOWN}`],
    ['GET', '/api/experiments/not-a-uuid'],
    ['GET', `/api/experiments/${experimentId}/runs`],
    ['POST', `/api/experiments/${experimentId}/runs`, { command: ['touch', '/tmp/ml-portal-intruder'] }],
    ['GET', `/api/runs/${runId}`],
    ['GET', `/api/runs/${UNKNOWN}`],
    ['POST', `/api/runs/${runId}/cancel`],
    ['GET', `/api/runs/${runId}/logs`],
    ['GET', `/api/runs/${runId}/logs?offset=-1`],
    ['GET', `/api/runs/${runId}/logs/raw`],
    ['GET', `/api/runs/${runId}/logs/stream`],
    ['GET', '/api/health/details'],
  ];

  const wrongCredentials: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['a wrong bearer token', { authorization: 'Bearer wrong-token-0123456789' }],
    ['the token with a suffix', { authorization: `Bearer ${TOKEN}x` }],
    ['a token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` }],
    ['the raw token as a cookie', { cookie: `${SESSION_COOKIE}=${TOKEN}` }],
    ['a forged cookie', { cookie: `${SESSION_COOKIE}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` }],
  ];

  it.each(wrongCredentials)('answers 401 to every protected route with %s, revealing nothing', async (_, headers) => {
    for (const [method, url, body] of protectedRoutes()) {
      const res = await t.request(method, url, body, headers);
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 401 });
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('API token') });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(runId);
      expect(text).not.toContain(experimentId);
      expect(text).not.toMatch(/secret|not found|UUID/);
    }
    // Nothing was created by the refused requests.
    const list = await t.request('GET', '/api/experiments', undefined, bearer);
    expect(list.body.map((e: { name: string }) => e.name)).toEqual(['secret-exp']);
    expect((await t.request('GET', `/api/experiments/${experimentId}/runs`, undefined, bearer)).body).toHaveLength(1);
  });

  it('answers the SSE stream with a JSON 401 before any event', async () => {
    const sse = await connectSse(`${t.baseUrl}/api/runs/${runId}/logs/stream`);
    await sse.closed;
    expect(sse.status).toBe(401);
    expect(sse.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(sse.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('lets the token in as a Bearer header, on every route, the stream included', async () => {
    expect((await t.request('GET', `/api/runs/${runId}`, undefined, bearer)).status).toBe(200);
    expect((await t.request('GET', `/api/runs/${runId}/logs/raw`, undefined, { authorization: `bearer ${TOKEN}` })).body).toBe('secret output\n');
    const sse = await connectSse(`${t.baseUrl}/api/runs/${runId}/logs/stream`, bearer);
    expect(sse.status).toBe(200);
    await sse.waitFor((e) => e.event === 'end');
  });

  it('keeps /api/health, /api/docs and the sign-in endpoints open', async () => {
    expect(await t.request('GET', '/api/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await t.request('GET', '/api/docs-json')).status).toBe(200);
    expect((await t.request('GET', '/api/auth/session')).body).toEqual({ required: true, authenticated: false });
    expect((await t.request('GET', '/api/auth/session', undefined, bearer)).body).toEqual({ required: true, authenticated: true });
  });

  it('documents a bearer security scheme in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/api/docs-json')).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/session', '/api/health/details']));
  });

  it('signs a browser in with an HttpOnly SameSite=Strict cookie, which opens the API and the stream, and out again', async () => {
    const wrong = await t.request('POST', '/api/auth/session', { token: 'wrong-token-0123456789' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await t.request('POST', '/api/auth/session', { token: 42 })).status).toBe(400);
    expect((await t.request('POST', '/api/auth/session', { token: TOKEN, remember: true })).status).toBe(400);

    const signIn = await t.request('POST', '/api/auth/session', { token: TOKEN });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toEqual({ required: true, authenticated: true });
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{20,}; Path=/; HttpOnly; SameSite=Strict$`));
    const cookiePair = setCookie.split(';')[0];
    expect(cookiePair).not.toContain(TOKEN);
    const cookie = { cookie: `other=1; ${cookiePair}` };

    expect((await t.request('GET', '/api/auth/session', undefined, cookie)).body).toEqual({ required: true, authenticated: true });
    expect((await t.request('GET', `/api/runs/${runId}/logs`, undefined, cookie)).status).toBe(200);
    const sse = await connectSse(`${t.baseUrl}/api/runs/${runId}/logs/stream`, cookie);
    expect(sse.status).toBe(200);
    await sse.waitFor((e) => e.event === 'end');

    const signOut = await t.request('DELETE', '/api/auth/session', undefined, cookie);
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`));
  });

  it('a cookie made for one token does not open a server with another', async () => {
    const other = await startTestApp({ apiToken: 'another-token-0123456789abc' });
    try {
      const cookiePair = ((await other.request('POST', '/api/auth/session', { token: 'another-token-0123456789abc' })).headers.get('set-cookie') ?? '').split(';')[0];
      expect(cookiePair).toContain(SESSION_COOKIE);
      expect((await t.request('GET', '/api/experiments', undefined, { cookie: cookiePair })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('wrong-token throttle (AUTH_MAX_FAILURES=3 within AUTH_FAILURE_WINDOW_MS=1500)', () => {
  let t: TestApp;
  const WINDOW_MS = 1500;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const signIn = (token: string) => t.request('POST', '/api/auth/session', { token });

  beforeEach(async () => (t = await startTestApp({ apiToken: TOKEN, authMaxFailures: 3, authFailureWindowMs: WINDOW_MS })));
  afterEach(() => t.close());

  it('never counts requests without credentials', async () => {
    for (let i = 0; i < 10; i++) expect((await t.request('GET', '/api/experiments')).status).toBe(401);
    expect((await signIn(TOKEN)).status).toBe(200);
  });

  it('after three wrong sign-ins answers 429 with Retry-After, even to the right token, until the window has passed', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await signIn(`wrong-token-${i}-0123456789`);
      expect(res.status).toBe(401);
    }
    for (const res of [await signIn(TOKEN), await t.request('GET', '/api/experiments', undefined, bearer(TOKEN))]) {
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/3 wrong API tokens .* try again in [12] s/) });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    }
    await new Promise((r) => setTimeout(r, WINDOW_MS + 100));
    expect((await signIn(TOKEN)).status).toBe(200);
    expect((await t.request('GET', '/api/experiments', undefined, bearer(TOKEN))).status).toBe(200);
  });

  it('counts wrong Bearer tokens and forged session cookies too', async () => {
    expect((await t.request('GET', '/api/experiments', undefined, bearer('wrong-token-0123456789'))).status).toBe(401);
    expect((await t.request('GET', '/api/experiments', undefined, { cookie: `${SESSION_COOKIE}=forged` })).status).toBe(401);
    expect((await t.request('GET', `/api/runs/${UNKNOWN}/logs`, undefined, bearer('another-wrong-token-0123'))).status).toBe(401);
    const res = await t.request('GET', '/api/experiments', undefined, bearer(TOKEN));
    expect(res.status).toBe(429);
    expect(res.body.message).toContain('wrong API tokens or session cookies');
  });
});

describe('access without API_TOKEN (loopback)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('needs no credentials, and says so', async () => {
    expect((await t.request('GET', '/api/experiments')).status).toBe(200);
    expect((await t.request('GET', '/api/auth/session')).body).toEqual({ required: false, authenticated: true });
    const signIn = await t.request('POST', '/api/auth/session', { token: 'anything-at-all' });
    expect(signIn.body).toEqual({ required: false, authenticated: true });
    expect(signIn.headers.get('set-cookie')).toBeNull();
  });

  it('sends security headers with a CSP that allows the UI (inline styles, own scripts) and no inline scripts', async () => {
    for (const url of ['/api/health', '/api/docs', '/api/experiments']) {
      const res = await fetch(t.baseUrl + url);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
    // Swagger UI loads its init script from a file, which script-src 'self' allows.
    const html = await (await fetch(`${t.baseUrl}/api/docs`)).text();
    expect(html).not.toMatch(/<script>[^<]/);
  });

  it('sends no CORS headers unless CORS_ORIGINS is set', async () => {
    const res = await fetch(`${t.baseUrl}/api/experiments`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.baseUrl}/api/experiments`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    const cors = await startTestApp({ corsOrigins: ['https://portal.example'] });
    try {
      const allowed = await fetch(`${cors.baseUrl}/api/experiments`, { headers: { origin: 'https://portal.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
      const other = await fetch(`${cors.baseUrl}/api/experiments`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.close();
    }
  });

  it('answers a body over 1 MiB with a JSON 413, and stores nothing', async () => {
    const res = await t.request('POST', '/api/experiments', { name: 'big', description: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.stringMatching(/larger than the limit of 1048576 bytes/) });
    expect((await t.request('GET', '/api/experiments')).body.map((e: { name: string }) => e.name)).not.toContain('big');
  });

  it('never returns a run\'s env values, in any answer', async () => {
    const experimentId = (await t.request('POST', '/api/experiments', { name: 'env-exp' })).body.id;
    const secret = 'hunter2-very-secret-value';
    const created = await t.request('POST', `/api/experiments/${experimentId}/runs`, {
      command: ['node', '-e', 'process.stdout.write("ok")'],
      env: { SECRET_KEY: secret },
    });
    expect(created.status).toBe(201);
    await waitFor(async () => (await t.request('GET', `/api/runs/${created.body.id}`)).body.status === 'succeeded');
    const answers = [
      created,
      await t.request('GET', `/api/runs/${created.body.id}`),
      await t.request('GET', `/api/experiments/${experimentId}/runs`),
      await t.request('GET', `/api/experiments/${experimentId}`),
      await t.request('GET', `/api/runs/${created.body.id}/logs`),
      await t.request('POST', `/api/runs/${created.body.id}/cancel`),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('SECRET_KEY');
    }
    expect(created.body).not.toHaveProperty('env');
  });

  it('passes shell metacharacters in argv literally (no shell)', async () => {
    const experimentId = (await t.request('POST', '/api/experiments', { name: 'argv-exp' })).body.id;
    const nasty = '$(echo hi); rm -rf / | cat && `whoami` > /tmp/ml-portal-pwned * ~ $HOME \'"\\ \n\t%s';
    const created = await t.request('POST', `/api/experiments/${experimentId}/runs`, {
      command: ['node', '-e', 'process.stdout.write(process.argv[1])', nasty],
    });
    expect(created.body.command[3]).toBe(nasty);
    await waitFor(async () => (await t.request('GET', `/api/runs/${created.body.id}`)).body.status === 'succeeded');
    const raw = await fetch(`${t.baseUrl}/api/runs/${created.body.id}/logs/raw`);
    expect(Buffer.from(await raw.arrayBuffer()).toString('utf8')).toBe(nasty);
  });
});

describe('start-up refusal on a non-loopback HOST', () => {
  it('refuses HOST=0.0.0.0 without API_TOKEN, saying how to set one', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/API_TOKEN=\$\(openssl rand -hex 32\)/);
    expect(() => loadConfig({ HOST: '192.168.1.5' })).toThrow(/ALLOW_UNAUTHENTICATED=true/);
    expect(() => loadConfig({ HOST: '::' })).toThrow(ConfigError);
  });

  it('starts with a token, with ALLOW_UNAUTHENTICATED=true, or on loopback', () => {
    expect(loadConfig({ HOST: '0.0.0.0', API_TOKEN: TOKEN }).apiToken).toBe(TOKEN);
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }).allowUnauthenticated).toBe(true);
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) expect(loadConfig({ HOST: host }).host).toBe(host);
    expect(() => loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'yes please' })).toThrow(/ALLOW_UNAUTHENTICATED must be true or false/);
    expect(() => loadConfig({ API_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
