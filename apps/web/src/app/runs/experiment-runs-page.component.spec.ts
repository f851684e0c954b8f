import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router } from '@angular/router';
import type { Experiment, Run } from '@ml-portal/contracts';
import { ExperimentRunsPageComponent } from './experiment-runs-page.component';

const EXPERIMENT: Experiment = {
  id: 'e1',
  name: 'mnist',
  description: 'digits',
  createdAt: '2026-01-02T03:04:05.000Z',
  runCount: 1,
};

const run = (init: Partial<Run>): Run => ({
  id: 'r1',
  experimentId: 'e1',
  name: 'baseline',
  command: ['python3', 'train.py'],
  cwd: '/srv',
  status: 'succeeded',
  exitCode: 0,
  signal: null,
  failureReason: null,
  createdAt: '2026-01-02T03:04:05.000Z',
  startedAt: '2026-01-02T03:04:06.000Z',
  finishedAt: '2026-01-02T03:05:36.000Z',
  logSize: 10,
  ...init,
});

describe('ExperimentRunsPageComponent', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ExperimentRunsPageComponent>;

  async function render(runs: Run[]): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      imports: [ExperimentRunsPageComponent],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([]), provideNoopAnimations()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ExperimentRunsPageComponent);
    fixture.componentRef.setInput('experimentId', 'e1');
    await fixture.whenStable();
    http.expectOne('/api/experiments/e1').flush(EXPERIMENT);
    http.expectOne('/api/experiments/e1/runs').flush(runs);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const byTestId = (root: HTMLElement, id: string): HTMLElement | null => root.querySelector(`[data-testid="${id}"]`);

  it('tells a new user about the example when there is no run', async () => {
    const root = await render([]);
    expect(byTestId(root, 'runs-empty')?.textContent).toContain('Run the example');
  });

  it('shows name, coloured status, start, duration and exit code', async () => {
    const root = await render([run({}), run({ id: 'r2', name: 'broken', status: 'failed', exitCode: 2 })]);
    const rows = [...root.querySelectorAll('tr.mat-mdc-row')];
    const cells = rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()));
    expect(cells[0][0]).toBe('baseline');
    expect(cells[0][1]).toBe('succeeded');
    expect(cells[0][4]).toBe('1m 30s');
    expect(cells[0][5]).toBe('0');
    expect(cells[1][1]).toBe('failed');
    expect(cells[1][5]).toBe('2');
    expect(rows[1].querySelector('ml-run-status')?.classList).toContain('status-failed');
  });

  it('launches the example with one click and opens its run', async () => {
    const root = await render([]);
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    byTestId(root, 'run-example')?.click();
    const request = http.expectOne({ method: 'POST', url: '/api/experiments/e1/runs' });
    expect(request.request.body).toEqual({ name: 'example', command: ['python3', 'examples/train.py', '--epochs', '5'] });
    request.flush(run({ id: 'r9', status: 'queued', startedAt: null, finishedAt: null, exitCode: null }));
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith(['/experiments', 'e1', 'runs', 'r9']);
  });

  it('launches a command from the form as argv with cwd and env', async () => {
    const root = await render([]);
    jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const type = (testId: string, value: string): void => {
      const field = byTestId(root, testId) as HTMLInputElement | HTMLTextAreaElement;
      field.value = value;
      field.dispatchEvent(new Event('input'));
    };
    type('run-command', 'python3\ntrain.py\n--lr\n0.1');
    type('run-cwd', 'experiments/mnist');
    type('run-env', 'SEED=42\n');
    byTestId(root, 'launch-run')?.click();
    const request = http.expectOne({ method: 'POST', url: '/api/experiments/e1/runs' });
    expect(request.request.body).toEqual({
      command: ['python3', 'train.py', '--lr', '0.1'],
      cwd: 'experiments/mnist',
      env: { SEED: '42' },
    });
    request.flush({ statusCode: 400, error: 'Bad Request', message: 'cwd must be a directory' }, { status: 400, statusText: 'Bad Request' });
    await fixture.whenStable();
    expect(root.querySelector('ml-run-launch-form [role="alert"]')?.textContent).toContain('cwd must be a directory');
  });

  it('refuses a one-line shell command before sending it', async () => {
    const root = await render([]);
    const field = byTestId(root, 'run-command') as HTMLTextAreaElement;
    field.value = 'python3 train.py';
    field.dispatchEvent(new Event('input'));
    byTestId(root, 'launch-run')?.click();
    await fixture.whenStable();
    expect(root.querySelector('ml-run-launch-form mat-error')?.textContent).toContain('own line');
    http.expectNone({ method: 'POST', url: '/api/experiments/e1/runs' });
  });
});
