/**
 * The whole flow a new user sees, in a real Chromium against the built app on a fresh database: create an
 * experiment, run the example, watch its log live in the modal, see it complete, reload the run's URL and see the
 * whole log again. Screenshots of the modal in light and dark mode go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Experiment } from '@ml-portal/contracts';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { createFreshDatabase, type FreshDatabase } from './fresh-database';
import { expectVisible, terminalText, waitForTerminal } from './page-helpers';
import { ROOT, startPortalServer, type PortalServer } from './portal-server';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('the portal in a browser', () => {
  let database: FreshDatabase;
  let server: PortalServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createFreshDatabase();
    server = await startPortalServer(database.url);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  it('creates an experiment, runs the example and shows its log live, then whole after a reload', async () => {
    await page.goto(server.url);
    await expectVisible(page.getByTestId('experiments-empty'));

    // Per-field validation before anything is sent.
    await page.getByTestId('create-experiment').click();
    await expectVisible(page.getByText('A name is required.'));

    await page.getByTestId('experiment-name').fill('two-moons');
    await page.getByTestId('experiment-description').fill('MLP on a synthetic two-moons data set');
    await page.getByTestId('create-experiment').click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    const experimentUrl = page.url();
    await expectVisible(page.getByTestId('runs-empty'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'experiment-light.png') });

    await page.getByTestId('run-example').click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}\/runs\/[0-9a-f-]{36}$/);
    const runUrl = page.url();
    const runId = runUrl.split('/').pop() as string;

    // Live: the first epoch's summary arrives while the run is still going.
    await expectVisible(page.getByTestId('run-live'));
    const early = await waitForTerminal(page, /Epoch 1\/5 - .*val_accuracy=/);
    expect(await page.getByTestId('run-live').isVisible()).toBe(true);
    expect(await page.getByTestId('run-completed').count()).toBe(0);
    expect(early).not.toContain('final val_accuracy');
    expect(await page.getByTestId('run-status').innerText()).toContain('running');
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-detail-live-light.png') });

    // Completed, with the final metric; the progress bars redrew in place (one line per epoch) in colour.
    const completed = page.getByTestId('run-completed');
    await expectVisible(completed, 90_000);
    expect(await completed.innerText()).toMatch(/Completed.*succeeded.*exit code 0/s);
    expect(await page.getByTestId('run-live').count()).toBe(0);
    const full = await waitForTerminal(page, /final val_accuracy=\d\.\d{3}/);
    // About ten redraws per second, yet one line per epoch; epoch 1's first draw is cut by the script's warning
    // on stderr (another stream, interleaved), so its bar continues on the next line.
    for (let epoch = 2; epoch <= 5; epoch++) {
      expect(full.match(new RegExp(`Epoch ${epoch}/5 \\[`, 'g'))).toHaveLength(1);
    }
    expect(full.match(/Epoch 1\/5 \[/g)?.length).toBeLessThanOrEqual(2);
    expect(full).toMatch(/Epoch 1\/5 \[#{30}\] 100%/);
    expect(await page.locator('[data-testid="log-viewer"] .xterm-rows span[class*="xterm-fg-2"]').count()).toBeGreaterThan(0);
    await expectVisible(page.getByTestId('run-status').getByText('succeeded'));
    expect(await page.getByTestId('download-log').getAttribute('href')).toBe(`/api/runs/${runId}/logs/raw`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-detail-light.png') });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-detail-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // A shared link: the run's URL opens the modal over the list and shows the whole log again.
    await page.reload();
    await expectVisible(page.getByTestId('run-completed'));
    const reloaded = await waitForTerminal(page, /final val_accuracy=\d\.\d{3}/);
    expect(reloaded).toContain('Training MLP(2-16-1) on two moons');
    for (let epoch = 1; epoch <= 5; epoch++) {
      expect(reloaded).toMatch(new RegExp(`Epoch ${epoch}/5 - .*val_accuracy=`));
    }
    expect(reloaded).toBe(full);

    // Esc closes the modal and the URL follows; the runs table shows the finished run.
    await page.keyboard.press('Escape');
    await page.waitForURL(experimentUrl);
    expect(await page.getByTestId('log-viewer').count()).toBe(0);
    await expectVisible(page.getByTestId('runs-table').getByText('succeeded'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'experiment-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps up with fast output; scrolling up stops following, jumping to the bottom resumes it', async () => {
    const created = await fetch(`${server.url}/api/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'throughput' }),
    });
    expect(created.status).toBe(201);
    const experiment = (await created.json()) as Experiment;
    await page.goto(`${server.url}/experiments/${experiment.id}`);
    // About 5 MB in bursts over ~4 s, in colour.
    const script = [
      'import sys, time',
      'for i in range(40000):',
      "    sys.stdout.write(f'\\x1b[3{i % 6 + 1}mline {i}\\x1b[0m ' + 'x' * 110 + '\\n')",
      '    if i % 1000 == 999: sys.stdout.flush(); time.sleep(0.1)',
      "print('done')",
    ].join('\n');
    await expectVisible(page.getByTestId('runs-empty')); // a new experiment opens with the launch form expanded
    await page.getByTestId('run-name').fill('fast');
    await page.getByTestId('run-command').fill(JSON.stringify(['python3', '-c', script]));
    await page.getByTestId('launch-run').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await waitForTerminal(page, /line \d{4}/);

    const toggle = page.getByTestId('autoscroll-toggle');
    expect(await toggle.isChecked()).toBe(true);
    await page.getByTestId('log-viewer').hover();
    await page.mouse.wheel(0, -800);
    await page.waitForTimeout(300);
    expect(await toggle.isChecked()).toBe(false);
    const firstRow = page.locator('[data-testid="log-viewer"] .xterm-rows > div').first();
    const held = await firstRow.innerText();
    await page.waitForTimeout(600);
    expect(await page.getByTestId('run-completed').count()).toBe(0); // output is still coming...
    expect(await firstRow.innerText()).toBe(held); // ...and the view stays where the user put it

    // Jumping to the bottom follows again; Completed shows once the terminal has caught up with the last line.
    await page.getByTestId('jump-to-bottom').click();
    expect(await toggle.isChecked()).toBe(true);
    await expectVisible(page.getByTestId('run-completed'), 90_000);
    const end = await terminalText(page);
    expect(end).toMatch(/line 39999 x+\s+done\s*$/);
  });
});
