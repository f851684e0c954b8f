/** The form that creates an experiment; errors are shown by the field they concern, the API's included. */
import { ChangeDetectionStrategy, Component, DestroyRef, inject, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators, type AbstractControl } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { LIMITS, type Experiment } from '@ml-portal/contracts';
import { apiErrorMessage, isHttpStatus } from '../api/api-error';
import { ExperimentsApi } from '../api/experiments-api';

function notBlank(control: AbstractControl<string>): { blank: true } | null {
  return control.value && control.value.trim() === '' ? { blank: true } : null;
}

@Component({
  selector: 'ml-experiment-create-form',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-form-field appearance="outline" class="name">
        <mat-label>Name</mat-label>
        <input matInput formControlName="name" data-testid="experiment-name" autocomplete="off" />
        <mat-hint>Unique, e.g. resnet50-lr-sweep</mat-hint>
        @if (form.controls.name.hasError('required') || form.controls.name.hasError('blank')) {
          <mat-error>A name is required.</mat-error>
        } @else if (form.controls.name.hasError('maxlength')) {
          <mat-error>At most {{ limits.experimentName }} characters.</mat-error>
        } @else if (form.controls.name.hasError('server')) {
          <mat-error>{{ form.controls.name.getError('server') }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field appearance="outline" class="description">
        <mat-label>Description (optional)</mat-label>
        <input matInput formControlName="description" data-testid="experiment-description" autocomplete="off" />
        @if (form.controls.description.hasError('maxlength')) {
          <mat-error>At most {{ limits.experimentDescription }} characters.</mat-error>
        } @else if (form.controls.description.hasError('server')) {
          <mat-error>{{ form.controls.description.getError('server') }}</mat-error>
        }
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="saving()" data-testid="create-experiment">
        Create experiment
      </button>
    </form>
    @if (formError(); as message) {
      <p class="form-error" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    form {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px;
    }
    .name {
      flex: 1 1 220px;
    }
    .description {
      flex: 2 1 320px;
    }
    button {
      margin-top: 8px;
      height: 48px;
    }
    .form-error {
      margin: 4px 0 0;
      color: var(--mat-sys-error);
    }
  `,
})
export class ExperimentCreateFormComponent {
  private readonly api = inject(ExperimentsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly created = output<Experiment>();

  protected readonly limits = LIMITS;
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, notBlank, Validators.maxLength(LIMITS.experimentName)]],
    description: ['', [Validators.maxLength(LIMITS.experimentDescription)]],
  });

  protected submit(): void {
    this.formError.set(null);
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      return;
    }
    const { name, description } = this.form.getRawValue();
    this.saving.set(true);
    this.api
      .create({ name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (experiment) => {
          this.saving.set(false);
          this.form.reset();
          this.created.emit(experiment);
        },
        error: (error: unknown) => {
          this.saving.set(false);
          this.showServerError(error);
        },
      });
  }

  /** The API names the field in its message; put the message under that field when we can tell which. */
  private showServerError(error: unknown): void {
    const message = apiErrorMessage(error);
    const field = isHttpStatus(error, 409) || /\bname\b/i.test(message) ? 'name' : null;
    const target = /\bdescription\b/i.test(message) ? 'description' : field;
    if (target && (isHttpStatus(error, 400) || isHttpStatus(error, 409))) {
      const control = this.form.controls[target];
      control.setErrors({ ...control.errors, server: message });
      control.markAsTouched();
    } else {
      this.formError.set(message);
    }
  }
}
