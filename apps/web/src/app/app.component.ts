import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterOutlet } from '@angular/router';

@Component({
  selector: 'ml-root',
  imports: [RouterOutlet, RouterLink, MatToolbarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-toolbar class="toolbar">
      <a routerLink="/" class="brand">
        <img src="favicon.svg" alt="" width="24" height="24" />
        ML Portal
      </a>
      <span class="spacer"></span>
      <a class="docs" href="/api/docs" target="_blank" rel="noopener">API docs</a>
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
    .content {
      width: 100%;
      max-width: 1200px;
      margin: 0 auto;
      padding: 24px;
      box-sizing: border-box;
    }
  `,
})
export class AppComponent {}
