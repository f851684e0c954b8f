/** The run-detail modal: what was run and how it went, the live log, Download and Cancel. */
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { isFinishedStatus, type Run } from '@ml-portal/contracts';
import { TrainingLogViewerComponent } from '@ml-portal/log-viewer';
import { apiErrorMessage, isHttpStatus } from '../api/api-error';
import { API_BASE } from '../api/api-base';
import { RunsApi } from '../api/runs-api';
import { formatCommand } from '../runs/command-line';
import { formatDuration, runDurationMs } from '../runs/run-timing';
import { RunStatusComponent } from '../runs/run-status.component';

export interface RunDetailDialogData {
  experimentId: string;
  runId: string;
}

@Component({
  selector: 'ml-run-detail-dialog',
  imports: [DatePipe, MatButtonModule, MatDialogModule, MatProgressBarModule, RunStatusComponent, TrainingLogViewerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './run-detail-dialog.component.html',
  styleUrl: './run-detail-dialog.component.scss',
})
export class RunDetailDialogComponent {
  private readonly api = inject(RunsApi);
  private readonly dialogRef = inject<MatDialogRef<RunDetailDialogComponent>>(MatDialogRef);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly data = inject<RunDetailDialogData>(MAT_DIALOG_DATA);
  protected readonly apiBase = inject(API_BASE);
  protected readonly run = signal<Run | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly cancelError = signal<string | null>(null);
  protected readonly canceling = signal(false);
  protected readonly now = signal(Date.now());
  protected readonly active = computed(() => {
    const run = this.run();
    return run !== null && !isFinishedStatus(run.status);
  });
  protected readonly duration = computed(() => {
    const run = this.run();
    return run ? formatDuration(runDurationMs(run, this.now())) : '—';
  });
  protected readonly command = computed(() => formatCommand(this.run()?.command ?? []));
  protected readonly downloadUrl = computed(() => this.api.rawLogUrl(this.data.runId));

  constructor() {
    this.load();
    // The duration of a running run counts up.
    const clock = setInterval(() => {
      if (this.active()) {
        this.now.set(Date.now());
      }
    }, 1000);
    this.destroyRef.onDestroy(() => clearInterval(clock));
  }

  protected load(): void {
    this.loadError.set(null);
    this.api
      .get(this.data.runId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (run) => {
          this.run.set(run);
          this.now.set(Date.now());
        },
        error: (error: unknown) =>
          this.loadError.set(isHttpStatus(error, 404) ? 'This run does not exist.' : apiErrorMessage(error)),
      });
  }

  protected cancel(): void {
    this.cancelError.set(null);
    this.canceling.set(true);
    this.api
      .cancel(this.data.runId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (run) => {
          this.canceling.set(false);
          this.run.set(run);
        },
        error: (error: unknown) => {
          this.canceling.set(false);
          this.cancelError.set(
            isHttpStatus(error, 409) ? 'The run had already finished.' : apiErrorMessage(error),
          );
          this.load();
        },
      });
  }

  protected close(): void {
    this.dialogRef.close();
  }
}
