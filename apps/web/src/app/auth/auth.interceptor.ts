/** A 401 from the API (other than a wrong token on the sign-in endpoint) sends the user to the sign-in page. */
import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { API_BASE } from '../api/api-base';
import { AuthSessionService } from './auth-session.service';

export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const base = inject(API_BASE).replace(/\/+$/, '');
  const auth = inject(AuthSessionService);
  const path = request.url.split(/[?#]/, 1)[0];
  const isApi = path === base || path.startsWith(`${base}/`);
  if (!isApi || path === auth.sessionUrl) {
    return next(request);
  }
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401) {
        auth.handleUnauthorized();
      }
      return throwError(() => error);
    }),
  );
};
