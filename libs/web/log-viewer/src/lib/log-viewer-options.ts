/** Tunables of the log viewer, overridable per host (and by tests, which want short reconnect delays). */
import { InjectionToken } from '@angular/core';

export interface LogViewerOptions {
  /** How much of the end of the log to load as history before streaming. */
  historyTailBytes: number;
  /** First reconnect delay; doubles after each consecutive failure up to `maxReconnectDelayMs`. */
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** Consecutive stream failures after which the viewer stops and offers a retry. */
  maxReconnectAttempts: number;
  /** Terminal lines kept above the screen. */
  scrollback: number;
}

export const DEFAULT_LOG_VIEWER_OPTIONS: LogViewerOptions = {
  historyTailBytes: 2 * 1024 * 1024,
  reconnectDelayMs: 500,
  maxReconnectDelayMs: 8_000,
  maxReconnectAttempts: 6,
  scrollback: 50_000,
};

export const LOG_VIEWER_OPTIONS = new InjectionToken<Partial<LogViewerOptions>>('LOG_VIEWER_OPTIONS', {
  providedIn: 'root',
  factory: () => ({}),
});
