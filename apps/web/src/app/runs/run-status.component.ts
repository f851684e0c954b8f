/** A run's status as a coloured label; the colours are the theme's `--ml-status-*` properties. */
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { RunStatus } from '@ml-portal/contracts';

@Component({
  selector: 'ml-run-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': '"status-" + status()' },
  template: `<span class="dot" aria-hidden="true"></span>{{ status() }}`,
  styles: `
    :host {
      --color: var(--ml-status-queued);
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 10px 2px 8px;
      border-radius: 999px;
      font: var(--mat-sys-label-large);
      color: var(--color);
      background: color-mix(in srgb, var(--color) 12%, transparent);
      white-space: nowrap;
    }
    :host(.status-running) {
      --color: var(--ml-status-running);
    }
    :host(.status-succeeded) {
      --color: var(--ml-status-succeeded);
    }
    :host(.status-failed) {
      --color: var(--ml-status-failed);
    }
    :host(.status-canceled) {
      --color: var(--ml-status-canceled);
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: currentColor;
    }
    :host(.status-running) .dot {
      animation: pulse 1.4s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
  `,
})
export class RunStatusComponent {
  readonly status = input.required<RunStatus>();
}
