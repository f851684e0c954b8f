import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterOutlet } from '@angular/router';
import { apiErrorMessage } from './api/api-error';
import { AuthSessionService } from './auth/auth-session.service';

@Component({
  selector: 'ml-root',
  imports: [RouterOutlet, RouterLink, MatButtonModule, MatToolbarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-toolbar class="toolbar">
      <a routerLink="/" class="brand">
        <img src="favicon.svg" alt="" width="24" height="24" />
        ML Portal
      </a>
      <span class="spacer"></span>
      <a class="docs" href="/api/docs" target="_blank" rel="noopener">API docs</a>
      @if (auth.signedIn()) {
        @if (signOutError(); as message) {
          <span class="sign-out-error" role="alert">{{ message }}</span>
        }
        <button
          mat-button
          type="button"
          class="sign-out"
          [disabled]="signingOut()"
          title="Forget the API token in this browser"
          (click)="signOut()"
          data-testid="sign-out"
        >
          Sign out
        </button>
      }
    </mat-toolbar>
    <main class="content">
      <router-outlet />
    </main>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100%;
    }
    .toolbar {
      position: sticky;
      top: 0;
      z-index: 2;
      background: var(--mat-sys-surface-container);
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .brand {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      color: var(--mat-sys-on-surface);
      text-decoration: none;
      font: var(--mat-sys-title-large);
    }
    .spacer {
      flex: 1;
    }
    .docs {
      font: var(--mat-sys-label-large);
    }
    .sign-out {
      margin-left: 16px;
    }
    .sign-out-error {
      margin-left: 16px;
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
    }
    .content {
      width: 100%;
      max-width: 1200px;
      margin: 0 auto;
      padding: 24px;
      box-sizing: border-box;
    }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthSessionService);
  protected readonly signingOut = signal(false);
  protected readonly signOutError = signal<string | null>(null);

  protected signOut(): void {
    this.signingOut.set(true);
    this.signOutError.set(null);
    this.auth.signOut().subscribe({
      next: () => this.signingOut.set(false),
      error: (error: unknown) => {
        this.signingOut.set(false);
        this.signOutError.set(`Signing out failed: ${apiErrorMessage(error)}`);
      },
    });
  }
}
