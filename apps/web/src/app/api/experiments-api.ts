/** Typed access to the experiment endpoints. */
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateExperimentRequest, Experiment } from '@ml-portal/contracts';
import type { Observable } from 'rxjs';
import { API_BASE } from './api-base';

@Injectable({ providedIn: 'root' })
export class ExperimentsApi {
  private readonly http = inject(HttpClient);
  private readonly base = inject(API_BASE);

  /** Newest first. */
  list(): Observable<Experiment[]> {
    return this.http.get<Experiment[]>(`${this.base}/experiments`);
  }

  get(experimentId: string): Observable<Experiment> {
    return this.http.get<Experiment>(`${this.base}/experiments/${encodeURIComponent(experimentId)}`);
  }

  create(request: CreateExperimentRequest): Observable<Experiment> {
    return this.http.post<Experiment>(`${this.base}/experiments`, request);
  }
}
