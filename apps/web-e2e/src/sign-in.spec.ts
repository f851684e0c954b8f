/**
 * Access control in a real Chromium: the built server with an API_TOKEN shows the sign-in page first, says so on a
 * wrong token, lets the right one in (an HttpOnly session cookie), and a run's live log then streams over SSE with
 * that cookie. Signing out and opening a run's link signs in back to that run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ApiError, AuthSession } from '@ml-portal/contracts';
import { SESSION_COOKIE } from '@ml-portal/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { createFreshDatabase, type FreshDatabase } from './fresh-database';
import { expectVisible, waitForTerminal } from './page-helpers';
import { ROOT, startPortalServer, type PortalServer } from './portal-server';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const TOKEN = randomBytes(16).toString('hex');

// A few lines a fraction of a second apart: all but the first can only arrive over the live stream.
const SCRIPT = [
  'import time',
  "print('run started', flush=True)",
  'for i in range(1, 6):',
  '    time.sleep(0.5)',
  "    print(f'step {i}/5', flush=True)",
  "print('all done')",
].join('\n');

describe('the portal with an API token', () => {
  let database: FreshDatabase;
  let server: PortalServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createFreshDatabase();
    [server, browser] = await Promise.all([startPortalServer(database.url, { apiToken: TOKEN }), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  it('signs in, launches a run and streams its log with the session cookie, and signs back in to a run link', async () => {
    // The server really wants the token.
    const anonymous = await fetch(`${server.url}/api/experiments`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ApiError).error).toBe('Unauthorized');
    const session = (await (await fetch(`${server.url}/api/auth/session`)).json()) as AuthSession;
    expect(session).toEqual({ required: true, authenticated: false });

    // The portal opens on the sign-in page, without a sign-out button.
    await page.goto(server.url);
    await page.waitForURL(/\/sign-in$/);
    const tokenField = page.getByTestId('sign-in-token');
    await expectVisible(tokenField);
    expect(await tokenField.getAttribute('type')).toBe('password');
    expect(await page.getByTestId('sign-out').count()).toBe(0);

    // A wrong token is refused, and said so.
    await tokenField.fill('0'.repeat(32));
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await expectVisible(error);
    expect(await error.innerText()).toContain('Wrong token');
    expect(page.url()).toMatch(/\/sign-in$/);
    await page.waitForTimeout(300); // the error fades in
    await page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-wrong-token.png') });

    // The right one gets in; the session is an HttpOnly, SameSite=Strict cookie that scripts cannot read.
    await tokenField.fill(TOKEN);
    await page.getByTestId('sign-in-submit').click();
    await expectVisible(page.getByTestId('experiments-empty'));
    expect(new URL(page.url()).pathname).toBe('/');
    await expectVisible(page.getByTestId('sign-out'));
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);

    // An experiment and a run, whose live log streams over SSE with the cookie.
    const streams: number[] = [];
    page.on('response', (response) => {
      if (/\/api\/runs\/[0-9a-f-]{36}\/logs\/stream\?/.test(response.url())) {
        streams.push(response.status());
      }
    });
    await page.getByTestId('experiment-name').fill('with-token');
    await page.getByTestId('create-experiment').click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    const experimentUrl = page.url();
    await expectVisible(page.getByTestId('runs-empty'));
    await page.getByTestId('run-name').fill('steps');
    await page.getByTestId('run-command').fill(JSON.stringify(['python3', '-c', SCRIPT]));
    await page.getByTestId('launch-run').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runUrl = page.url();
    const early = await waitForTerminal(page, /step 1\/5/, 20_000);
    expect(early).not.toContain('all done'); // live: the run is still going
    const completed = page.getByTestId('run-completed');
    await expectVisible(completed, 20_000); // the end event only ever comes over the stream
    expect(await completed.innerText()).toMatch(/Completed.*succeeded.*exit code 0/s);
    const log = await waitForTerminal(page, /all done/, 5_000);
    expect(log).toMatch(/run started\s+step 1\/5\s+step 2\/5\s+step 3\/5\s+step 4\/5\s+step 5\/5\s+all done/);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((status) => status === 200)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-detail-signed-in.png') });

    // Signing out (the modal closed first: it covers the toolbar) shows the sign-in page again...
    await page.keyboard.press('Escape');
    await page.waitForURL(experimentUrl);
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/sign-in\?returnUrl=%2Fexperiments%2F/);
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();

    // ...and a shared link to the run asks for the token, then opens that run with its whole log.
    await page.goto(runUrl);
    await page.waitForURL(/\/sign-in\?returnUrl=%2Fexperiments%2F[0-9a-f-]{36}%2Fruns%2F[0-9a-f-]{36}$/);
    await page.getByTestId('sign-in-token').fill(TOKEN);
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL(runUrl);
    await expectVisible(page.getByTestId('run-completed'));
    expect(await waitForTerminal(page, /all done/, 10_000)).toBe(log);
  }, 60_000);
});
