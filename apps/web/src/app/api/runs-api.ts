/** Typed access to the run endpoints (the log endpoints are the log viewer's). */
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateRunRequest, Run } from '@ml-portal/contracts';
import type { Observable } from 'rxjs';
import { API_BASE } from './api-base';

@Injectable({ providedIn: 'root' })
export class RunsApi {
  private readonly http = inject(HttpClient);
  private readonly base = inject(API_BASE);

  /** Newest first. */
  list(experimentId: string): Observable<Run[]> {
    return this.http.get<Run[]>(`${this.base}/experiments/${encodeURIComponent(experimentId)}/runs`);
  }

  get(runId: string): Observable<Run> {
    return this.http.get<Run>(`${this.base}/runs/${encodeURIComponent(runId)}`);
  }

  /** Starts the run at once (or queues it). */
  launch(experimentId: string, request: CreateRunRequest): Observable<Run> {
    return this.http.post<Run>(`${this.base}/experiments/${encodeURIComponent(experimentId)}/runs`, request);
  }

  cancel(runId: string): Observable<Run> {
    return this.http.post<Run>(`${this.base}/runs/${encodeURIComponent(runId)}/cancel`, {});
  }

  rawLogUrl(runId: string): string {
    return `${this.base}/runs/${encodeURIComponent(runId)}/logs/raw`;
  }
}
