/**
 * Route guards: the app's pages need a signed-in browser when the server has an API_TOKEN, and the sign-in page
 * is only for when they do. If the server cannot say (unreachable, or older than access control), the pages open
 * and show their own errors.
 */
import { inject } from '@angular/core';
import { Router, type CanActivateFn, type UrlTree } from '@angular/router';
import { catchError, map, type Observable, of } from 'rxjs';
import { AuthSessionService } from './auth-session.service';
import { safeReturnUrl } from './return-url';

export const authGuard: CanActivateFn = (_route, state): true | Observable<true | UrlTree> => {
  const auth = inject(AuthSessionService);
  const router = inject(Router);
  if (auth.knownUsable) {
    return true;
  }
  return auth.check().pipe(
    map((session) =>
      !session.required || session.authenticated ? true : router.parseUrl(auth.signInUrl(state.url)),
    ),
    catchError(() => of(true as const)),
  );
};

export const signInPageGuard: CanActivateFn = (route): true | Observable<true | UrlTree> => {
  const auth = inject(AuthSessionService);
  const router = inject(Router);
  if (auth.knownSignedOut) {
    return true; // just found out (a page's guard, a 401): no need to ask again
  }
  return auth.check().pipe(
    map((session) =>
      session.required && !session.authenticated
        ? true
        : router.parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl'))),
    ),
    catchError(() => of(true as const)),
  );
};
