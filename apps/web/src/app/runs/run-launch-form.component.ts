/** The form that launches a run: the command as argv (one argument per line), a working directory, env lines. */
import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { LIMITS, type CreateRunRequest, type Run } from '@ml-portal/contracts';
import { apiErrorMessage } from '../api/api-error';
import { RunsApi } from '../api/runs-api';
import { commandValidator, envValidator, parseCommand, parseEnv } from './command-line';

@Component({
  selector: 'ml-run-launch-form',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <div class="row">
        <mat-form-field appearance="outline" class="grow">
          <mat-label>Run name (optional)</mat-label>
          <input matInput formControlName="name" data-testid="run-name" autocomplete="off" />
          @if (form.controls.name.hasError('maxlength')) {
            <mat-error>At most {{ limits.runName }} characters.</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="grow">
          <mat-label>Working directory (optional)</mat-label>
          <input matInput formControlName="cwd" data-testid="run-cwd" autocomplete="off" />
          <mat-hint>Empty for the server's default; a relative path starts from there</mat-hint>
        </mat-form-field>
      </div>
      <div class="row">
        <mat-form-field appearance="outline" class="grow">
          <mat-label>Command</mat-label>
          <textarea
            matInput
            formControlName="command"
            data-testid="run-command"
            rows="5"
            spellcheck="false"
            placeholder="python3&#10;train.py&#10;--epochs&#10;3"
          ></textarea>
          <mat-hint>One argument per line (no shell), or a JSON array like ["python3", "train.py"]</mat-hint>
          @if (form.controls.command.getError('command'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" class="grow">
          <mat-label>Environment (optional)</mat-label>
          <textarea
            matInput
            formControlName="env"
            data-testid="run-env"
            rows="5"
            spellcheck="false"
            placeholder="LEARNING_RATE=0.01&#10;SEED=42"
          ></textarea>
          <mat-hint>KEY=VALUE, one per line</mat-hint>
          @if (form.controls.env.getError('env'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
      </div>
      <div class="actions">
        @if (serverError(); as message) {
          <p class="form-error" role="alert">{{ message }}</p>
        }
        <button mat-flat-button type="submit" [disabled]="launching()" data-testid="launch-run">Launch run</button>
      </div>
    </form>
  `,
  styles: `
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
    }
    .grow {
      flex: 1 1 280px;
    }
    textarea {
      font-family: var(--ml-mono);
    }
    .actions {
      display: flex;
      align-items: center;
      justify-content: flex-end;
      gap: 16px;
      margin-top: 8px;
    }
    .form-error {
      flex: 1;
      margin: 0;
      color: var(--mat-sys-error);
    }
  `,
})
export class RunLaunchFormComponent {
  private readonly api = inject(RunsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly experimentId = input.required<string>();
  readonly launched = output<Run>();

  protected readonly limits = LIMITS;
  protected readonly launching = signal(false);
  protected readonly serverError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.maxLength(LIMITS.runName)]],
    command: ['', [commandValidator]],
    cwd: [''],
    env: ['', [envValidator]],
  });

  protected submit(): void {
    this.serverError.set(null);
    this.form.markAllAsTouched();
    const value = this.form.getRawValue();
    const command = parseCommand(value.command);
    const env = parseEnv(value.env);
    if (this.form.invalid || !command.ok || !env.ok) {
      return;
    }
    const request: CreateRunRequest = { command: command.value };
    if (value.name.trim()) {
      request.name = value.name.trim();
    }
    if (value.cwd.trim()) {
      request.cwd = value.cwd.trim();
    }
    if (Object.keys(env.value).length > 0) {
      request.env = env.value;
    }
    this.launching.set(true);
    this.api
      .launch(this.experimentId(), request)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (run) => {
          this.launching.set(false);
          this.launched.emit(run);
        },
        error: (error: unknown) => {
          this.launching.set(false);
          this.serverError.set(apiErrorMessage(error));
        },
      });
  }
}
