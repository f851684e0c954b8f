/**
 * The viewer's only way out to the network: the history slice over HTTP and the live log over Server-Sent Events.
 * Kept behind one injectable so that tests (and other hosts) can replace the edges without touching the component.
 */
import { HttpClient } from '@angular/common/http';
import { inject, Injectable, InjectionToken } from '@angular/core';
import type { LogSlice } from '@ml-portal/contracts';
import type { Observable } from 'rxjs';

/** Creates the EventSource for a URL; a token so that tests can hand out fakes. */
export type EventSourceFactory = (url: string) => EventSource;

export const EVENT_SOURCE_FACTORY = new InjectionToken<EventSourceFactory>('EVENT_SOURCE_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new EventSource(url),
});

@Injectable({ providedIn: 'root' })
export class LogStreamClient {
  private readonly http = inject(HttpClient);
  private readonly createEventSource = inject(EVENT_SOURCE_FACTORY);

  /** The last `tailBytes` bytes of the log, with the offsets needed to continue from them. */
  history(apiBase: string, runId: string, tailBytes: number): Observable<LogSlice> {
    return this.http.get<LogSlice>(`${runPath(apiBase, runId)}/logs`, { params: { tail: tailBytes } });
  }

  /** The live log from `offset` on. The caller owns the EventSource and must close it. */
  stream(apiBase: string, runId: string, offset: number): EventSource {
    return this.createEventSource(`${runPath(apiBase, runId)}/logs/stream?offset=${offset}`);
  }

  /** Where the whole log can be downloaded. */
  rawLogUrl(apiBase: string, runId: string): string {
    return `${runPath(apiBase, runId)}/logs/raw`;
  }
}

function runPath(apiBase: string, runId: string): string {
  return `${apiBase.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}`;
}
