/** `/`: every experiment, newest first, and the form that creates one. */
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import type { Experiment } from '@ml-portal/contracts';
import { apiErrorMessage } from '../api/api-error';
import { ExperimentsApi } from '../api/experiments-api';
import { ExperimentCreateFormComponent } from './experiment-create-form.component';

@Component({
  selector: 'ml-experiments-page',
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatProgressBarModule,
    MatTableModule,
    ExperimentCreateFormComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './experiments-page.component.html',
  styleUrl: './experiments-page.component.scss',
})
export class ExperimentsPageComponent {
  private readonly api = inject(ExperimentsApi);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly columns = ['name', 'description', 'runCount', 'createdAt'];
  protected readonly experiments = signal<Experiment[] | null>(null);
  protected readonly loadError = signal<string | null>(null);

  constructor() {
    this.load();
  }

  protected load(): void {
    this.loadError.set(null);
    this.api
      .list()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (experiments) => this.experiments.set(experiments),
        error: (error: unknown) => this.loadError.set(apiErrorMessage(error)),
      });
  }

  protected onCreated(experiment: Experiment): void {
    this.experiments.update((list) => [experiment, ...(list ?? [])]);
    void this.router.navigate(['/experiments', experiment.id]);
  }
}
