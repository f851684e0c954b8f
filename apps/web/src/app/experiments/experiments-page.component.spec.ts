import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router } from '@angular/router';
import type { Experiment } from '@ml-portal/contracts';
import { ExperimentsPageComponent } from './experiments-page.component';

const experiment = (init: Partial<Experiment> = {}): Experiment => ({
  id: '6f1d2c1e-0000-4000-8000-000000000001',
  name: 'mnist-baseline',
  description: 'first try',
  createdAt: '2026-01-02T03:04:05.000Z',
  runCount: 3,
  ...init,
});

describe('ExperimentsPageComponent', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ExperimentsPageComponent>;

  async function render(list: Experiment[]): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      imports: [ExperimentsPageComponent],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([]), provideNoopAnimations()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ExperimentsPageComponent);
    http.expectOne('/api/experiments').flush(list);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const byTestId = (root: HTMLElement, id: string): HTMLElement | null => root.querySelector(`[data-testid="${id}"]`);

  async function stable(): Promise<void> {
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  it('tells a new user what to do when there is no experiment', async () => {
    const root = await render([]);
    expect(byTestId(root, 'experiments-empty')?.textContent).toContain('Run the example');
    expect(byTestId(root, 'experiments-table')).toBeNull();
  });

  it('lists name, description, run count and creation time', async () => {
    const root = await render([experiment(), experiment({ id: 'b', name: 'cifar', description: null, runCount: 0 })]);
    const rows = [...root.querySelectorAll('tr.mat-mdc-row')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()),
    );
    expect(rows[0].slice(0, 3)).toEqual(['mnist-baseline', 'first try', '3']);
    expect(rows[0][3]).toMatch(/2026/);
    expect(rows[1].slice(0, 3)).toEqual(['cifar', '—', '0']);
  });

  it('shows field errors without sending anything when the name is missing', async () => {
    const root = await render([]);
    byTestId(root, 'create-experiment')?.click();
    await stable();
    expect(root.querySelector('mat-error')?.textContent).toContain('A name is required.');
    http.expectNone('/api/experiments');
  });

  it('shows the API\'s message under the name on a duplicate', async () => {
    const root = await render([]);
    const name = byTestId(root, 'experiment-name') as HTMLInputElement;
    name.value = 'mnist-baseline';
    name.dispatchEvent(new Event('input'));
    byTestId(root, 'create-experiment')?.click();
    const request = http.expectOne({ method: 'POST', url: '/api/experiments' });
    expect(request.request.body).toEqual({ name: 'mnist-baseline' });
    request.flush(
      { statusCode: 409, error: 'Conflict', message: 'an experiment named "mnist-baseline" already exists' },
      { status: 409, statusText: 'Conflict' },
    );
    await stable();
    expect(root.querySelector('mat-form-field.name mat-error')?.textContent).toContain('already exists');
  });

  it('shows a 400 message by the field it names', async () => {
    const root = await render([]);
    const name = byTestId(root, 'experiment-name') as HTMLInputElement;
    name.value = 'x';
    name.dispatchEvent(new Event('input'));
    const description = byTestId(root, 'experiment-description') as HTMLInputElement;
    description.value = 'y';
    description.dispatchEvent(new Event('input'));
    byTestId(root, 'create-experiment')?.click();
    http
      .expectOne({ method: 'POST', url: '/api/experiments' })
      .flush(
        { statusCode: 400, error: 'Bad Request', message: 'description must not contain NUL bytes' },
        { status: 400, statusText: 'Bad Request' },
      );
    await stable();
    expect(root.querySelector('mat-form-field.description mat-error')?.textContent).toContain('NUL bytes');
  });

  it('opens the new experiment after creating it', async () => {
    const root = await render([]);
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const name = byTestId(root, 'experiment-name') as HTMLInputElement;
    name.value = '  mnist  ';
    name.dispatchEvent(new Event('input'));
    byTestId(root, 'create-experiment')?.click();
    const request = http.expectOne({ method: 'POST', url: '/api/experiments' });
    expect(request.request.body).toEqual({ name: 'mnist' });
    request.flush(experiment({ id: 'new-id', name: 'mnist' }));
    await stable();
    expect(navigate).toHaveBeenCalledWith(['/experiments', 'new-id']);
  });
});
