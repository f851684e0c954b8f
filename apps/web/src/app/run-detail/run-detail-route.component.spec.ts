import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router, withComponentInputBinding, withRouterConfig } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { Experiment, LogSlice, Run } from '@ml-portal/contracts';
import { EVENT_SOURCE_FACTORY } from '@ml-portal/log-viewer';
import { appRoutes } from '../app.routes';

const EXPERIMENT: Experiment = {
  id: 'e1',
  name: 'mnist',
  description: null,
  createdAt: '2026-01-02T03:04:05.000Z',
  runCount: 1,
};

const RUN: Run = {
  id: 'r1',
  experimentId: 'e1',
  name: 'example',
  command: ['python3', 'examples/train.py', '--epochs', '5'],
  cwd: '/srv/ml-portal',
  status: 'running',
  exitCode: null,
  signal: null,
  failureReason: null,
  createdAt: '2026-01-02T03:04:05.000Z',
  startedAt: '2026-01-02T03:04:06.000Z',
  finishedAt: null,
  logSize: 0,
};

const EMPTY_LOG: LogSlice = {
  runId: 'r1',
  runStatus: 'running',
  offset: 0,
  nextOffset: 0,
  size: 0,
  complete: false,
  data: '',
};

class SilentEventSource {
  closed = false;
  addEventListener(): void {
    /* the test plays no events */
  }
  removeEventListener(): void {
    /* nothing registered */
  }
  close(): void {
    this.closed = true;
  }
}

describe('the run-detail route', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let sources: SilentEventSource[];

  beforeEach(async () => {
    sources = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter(
          appRoutes,
          withComponentInputBinding(),
          withRouterConfig({ paramsInheritanceStrategy: 'always' }),
        ),
        {
          provide: EVENT_SOURCE_FACTORY,
          useValue: () => {
            const source = new SilentEventSource();
            sources.push(source);
            return source as unknown as EventSource;
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  async function settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await harness.fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Waits (the lazy routes and the dialog take a few turns of the event loop) for exactly one such request. */
  async function request(url: string): Promise<TestRequest> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = http.match(url); // takes them off the list of open requests
      if (found.length > 0) {
        expect(found).toHaveLength(1);
        return found[0];
      }
      if (Date.now() > deadline) {
        throw new Error(`no request to ${url}`);
      }
      await settle();
    }
  }

  /** The pages' guard asks the server whether a token is needed; the navigation (unstable until then) waits. */
  async function allowPages(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = http.match('/api/auth/session');
      if (found.length > 0) {
        found.forEach((session) => session.flush({ required: false, authenticated: true }));
        return;
      }
      if (Date.now() > deadline) {
        throw new Error('the guard never asked for the session');
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await settle();
    }
  }

  async function openRun(run: Run = RUN): Promise<void> {
    void harness.navigateByUrl('/experiments/e1/runs/r1');
    await allowPages();
    (await request('/api/experiments/e1')).flush(EXPERIMENT);
    (await request('/api/experiments/e1/runs')).flush([run]);
    (await request('/api/runs/r1')).flush(run);
    (await request('/api/runs/r1/logs?tail=2097152')).flush(EMPTY_LOG);
    await until(() => inDialog('run-status') !== null && sources.length === 1, 'the modal');
  }

  const inDialog = (testId: string): HTMLElement | null =>
    document.querySelector(`.cdk-overlay-container [data-testid="${testId}"]`);

  it('opens the modal over the runs list with the run, its log and a download link', async () => {
    await openRun();
    expect(harness.routeNativeElement?.querySelector('[data-testid="runs-table"]')).not.toBeNull();
    expect(inDialog('run-status')?.textContent?.trim()).toBe('running');
    expect(inDialog('run-command-line')?.textContent).toBe('python3 examples/train.py --epochs 5');
    expect(inDialog('download-log')?.getAttribute('href')).toBe('/api/runs/r1/logs/raw');
    expect(inDialog('log-viewer')).not.toBeNull();
    expect(inDialog('cancel-run')).not.toBeNull();
    expect(sources).toHaveLength(1);
  });

  it('cancels an active run', async () => {
    await openRun();
    inDialog('cancel-run')?.click();
    const cancel = http.expectOne({ method: 'POST', url: '/api/runs/r1/cancel' });
    cancel.flush({ ...RUN, status: 'canceled', finishedAt: '2026-01-02T03:05:00.000Z', signal: 'SIGTERM' });
    await until(() => inDialog('run-status')?.textContent?.trim() === 'canceled', 'the canceled status');
    expect(inDialog('cancel-run')).toBeNull();
  });

  it('shows the failure reason of a failed run', async () => {
    await openRun({ ...RUN, status: 'failed', exitCode: 2, failureReason: 'exited with code 2' });
    expect(inDialog('run-failure-reason')?.textContent).toBe('exited with code 2');
    expect(inDialog('run-exit-code')?.textContent).toContain('2');
    expect(inDialog('cancel-run')).toBeNull();
  });

  it('closes on Esc and goes back to the experiment, disposing the log stream', async () => {
    await openRun();
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true });
    Object.defineProperty(escape, 'keyCode', { value: 27 });
    document.body.dispatchEvent(escape);
    (await request('/api/experiments/e1/runs')).flush([RUN]);
    await until(() => TestBed.inject(Router).url === '/experiments/e1', 'the URL to follow');
    expect(inDialog('log-viewer')).toBeNull();
    expect(sources[0].closed).toBe(true);
  });

  it('closes with the close button and goes back to the experiment', async () => {
    await openRun();
    inDialog('close-run')?.click();
    (await request('/api/experiments/e1/runs')).flush([RUN]);
    await until(() => TestBed.inject(Router).url === '/experiments/e1', 'the URL to follow');
    expect(inDialog('run-status')).toBeNull();
  });

  it('closes the modal when the route is left another way', async () => {
    await openRun();
    void harness.navigateByUrl('/');
    (await request('/api/experiments')).flush([EXPERIMENT]);
    await until(() => inDialog('run-status') === null, 'the modal to close');
    expect(sources[0].closed).toBe(true);
  });
});
