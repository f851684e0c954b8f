/**
 * `/sign-in?returnUrl=…`: the API token (the server's API_TOKEN) in exchange for a session cookie, then back to
 * where the user was. A wrong token is said so under the field; the token itself is never kept by the page.
 */
import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { apiErrorMessage, isHttpStatus } from '../api/api-error';
import { AuthSessionService } from './auth-session.service';
import { safeReturnUrl } from './return-url';

@Component({
  selector: 'ml-sign-in-page',
  imports: [ReactiveFormsModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-card appearance="outlined" class="card">
      <mat-card-header>
        <mat-card-title><h1>Sign in</h1></mat-card-title>
        <mat-card-subtitle>This portal needs its API token, the <code>API_TOKEN</code> the server was started with.</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <!-- for password managers: the token is the password of this one account -->
          <input type="text" name="username" value="ml-portal" autocomplete="username" hidden />
          <mat-form-field appearance="outline" class="token">
            <mat-label>API token</mat-label>
            <input
              matInput
              type="password"
              formControlName="token"
              data-testid="sign-in-token"
              autocomplete="current-password"
              spellcheck="false"
            />
            @if (form.controls.token.hasError('required')) {
              <mat-error>Enter the API token.</mat-error>
            } @else if (form.controls.token.hasError('wrong')) {
              <mat-error data-testid="sign-in-error">Wrong token: this is not the server's API_TOKEN.</mat-error>
            }
          </mat-form-field>
          @if (formError(); as message) {
            <p class="form-error" role="alert" data-testid="sign-in-error">{{ message }}</p>
          }
          <button mat-flat-button type="submit" [disabled]="signingIn()" data-testid="sign-in-submit">Sign in</button>
        </form>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    :host {
      display: flex;
      justify-content: center;
      padding-top: 8vh;
    }
    .card {
      width: min(440px, 100%);
    }
    h1 {
      margin: 0;
      font: var(--mat-sys-headline-small);
    }
    mat-card-content {
      padding-top: 16px;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .form-error {
      margin: 0 0 8px;
      color: var(--mat-sys-error);
    }
    button {
      align-self: flex-end;
    }
  `,
})
export class SignInPageComponent {
  private readonly auth = inject(AuthSessionService);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);

  /** The query parameter: where to go once signed in. */
  readonly returnUrl = input<string | undefined>();

  protected readonly signingIn = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    token: ['', [Validators.required]],
  });

  protected submit(): void {
    this.formError.set(null);
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      return;
    }
    this.signingIn.set(true);
    this.auth
      .signIn(this.form.controls.token.value.trim())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          this.signingIn.set(false);
          void this.router.navigateByUrl(safeReturnUrl(this.returnUrl()), { replaceUrl: true });
        },
        error: (error: unknown) => {
          this.signingIn.set(false);
          if (isHttpStatus(error, 401)) {
            const control = this.form.controls.token;
            control.setErrors({ wrong: true });
            control.markAsTouched();
          } else {
            this.formError.set(`Could not sign in: ${apiErrorMessage(error)}`);
          }
        },
      });
  }
}
