/**
 * `/experiments/:experimentId`: the experiment's runs (refreshed while any is active), the launch form, and the
 * one-click example. The run-detail modal's route is a child of this page, so the modal opens over the list.
 */
import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { isFinishedStatus, type CreateRunRequest, type Experiment, type Run } from '@ml-portal/contracts';
import { catchError, filter, of, Subject, switchMap, type Observable } from 'rxjs';
import { apiErrorMessage, isHttpStatus } from '../api/api-error';
import { ExperimentsApi } from '../api/experiments-api';
import { RunsApi } from '../api/runs-api';
import { formatCommand } from './command-line';
import { RunLaunchFormComponent } from './run-launch-form.component';
import { formatDuration, runDurationMs } from './run-timing';
import { RunStatusComponent } from './run-status.component';

/** The example every new user can launch: a short real training script at the repository root. */
export const EXAMPLE_RUN: CreateRunRequest = {
  name: 'example',
  command: ['python3', 'examples/train.py', '--epochs', '5'],
};

const ACTIVE_POLL_MS = 2000;

@Component({
  selector: 'ml-experiment-runs-page',
  imports: [
    DatePipe,
    RouterLink,
    RouterOutlet,
    MatButtonModule,
    MatExpansionModule,
    MatProgressBarModule,
    MatTableModule,
    RunLaunchFormComponent,
    RunStatusComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './experiment-runs-page.component.html',
  styleUrl: './experiment-runs-page.component.scss',
})
export class ExperimentRunsPageComponent {
  private readonly experimentsApi = inject(ExperimentsApi);
  private readonly runsApi = inject(RunsApi);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  readonly experimentId = input.required<string>();

  protected readonly columns = ['name', 'status', 'command', 'startedAt', 'duration', 'exitCode'];
  protected readonly experiment = signal<Experiment | null>(null);
  protected readonly experimentError = signal<string | null>(null);
  protected readonly runs = signal<Run[] | null>(null);
  protected readonly runsError = signal<string | null>(null);
  protected readonly launchingExample = signal(false);
  protected readonly exampleError = signal<string | null>(null);
  protected readonly now = signal(Date.now());
  protected readonly anyActive = computed(() => (this.runs() ?? []).some((run) => !isFinishedStatus(run.status)));
  protected readonly formatCommand = formatCommand;
  protected readonly formatDuration = formatDuration;
  protected readonly runDurationMs = runDurationMs;

  private readonly reload$ = new Subject<string>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    this.reload$
      .pipe(
        switchMap((experimentId) => this.fetchRuns(experimentId)),
        takeUntilDestroyed(),
      )
      .subscribe((runs) => {
        if (runs) {
          this.runs.set(runs);
          this.now.set(Date.now());
        }
        this.schedulePoll();
      });

    effect(() => {
      const experimentId = this.experimentId();
      untracked(() => this.loadExperiment(experimentId));
    });

    // Closing the modal (or any later navigation within this page) shows the latest state of the runs.
    this.router.events
      .pipe(
        filter((event): event is NavigationEnd => event instanceof NavigationEnd),
        filter(() => this.runs() !== null),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.refresh());

    this.destroyRef.onDestroy(() => this.clearPoll());
  }

  protected refresh(): void {
    this.clearPoll();
    this.reload$.next(this.experimentId());
  }

  protected runExample(): void {
    this.exampleError.set(null);
    this.launchingExample.set(true);
    this.runsApi
      .launch(this.experimentId(), EXAMPLE_RUN)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (run) => {
          this.launchingExample.set(false);
          this.openRun(run);
        },
        error: (error: unknown) => {
          this.launchingExample.set(false);
          this.exampleError.set(apiErrorMessage(error));
        },
      });
  }

  protected openRun(run: Run): void {
    this.runs.update((runs) => (runs?.some((r) => r.id === run.id) ? runs : [run, ...(runs ?? [])]));
    void this.router.navigate(['/experiments', this.experimentId(), 'runs', run.id]);
  }

  private loadExperiment(experimentId: string): void {
    this.experiment.set(null);
    this.experimentError.set(null);
    this.runs.set(null);
    this.runsError.set(null);
    this.experimentsApi
      .get(experimentId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (experiment) => this.experiment.set(experiment),
        error: (error: unknown) =>
          this.experimentError.set(
            isHttpStatus(error, 404) ? 'This experiment does not exist.' : apiErrorMessage(error),
          ),
      });
    this.refresh();
  }

  private fetchRuns(experimentId: string): Observable<Run[] | null> {
    return this.runsApi.list(experimentId).pipe(
      catchError((error: unknown) => {
        this.runsError.set(apiErrorMessage(error));
        return of(null);
      }),
    );
  }

  private schedulePoll(): void {
    this.clearPoll();
    if (this.anyActive()) {
      this.pollTimer = setTimeout(() => this.refresh(), ACTIVE_POLL_MS);
    }
  }

  private clearPoll(): void {
    if (this.pollTimer !== null) {
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
    }
  }
}
