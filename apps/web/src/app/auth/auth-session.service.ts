/**
 * The browser's side of the API's access control (`/api/auth/session`): whether the server wants a token, whether
 * this browser has signed in (an HttpOnly cookie the page cannot see, so only the server can tell), and the way to
 * the sign-in page when a request turns out to need it. Without API_TOKEN on the server, none of it shows.
 */
import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { AuthSession, CreateSessionRequest } from '@ml-portal/contracts';
import { map, type Observable, tap } from 'rxjs';
import { API_BASE } from '../api/api-base';
import { isSignInUrl, safeReturnUrl, SIGN_IN_PATH } from './return-url';

@Injectable({ providedIn: 'root' })
export class AuthSessionService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly base = inject(API_BASE);
  private readonly state = signal<AuthSession | null>(null);
  private streamCheck = false;

  /** The last answer of the server, or null before the first. */
  readonly session = this.state.asReadonly();
  /** The server wants a token and this browser has it: signing out means something. */
  readonly signedIn = computed(() => {
    const session = this.state();
    return session !== null && session.required && session.authenticated;
  });

  /** The endpoint itself; the interceptor leaves its answers (a 401 is a wrong token) to the sign-in page. */
  get sessionUrl(): string {
    return `${this.base.replace(/\/+$/, '')}/auth/session`;
  }

  /** Whether the last answer lets the app be used without asking the server again. */
  get knownUsable(): boolean {
    const session = this.state();
    return session !== null && (!session.required || session.authenticated);
  }

  /** Whether the last answer was that this browser must sign in. */
  get knownSignedOut(): boolean {
    const session = this.state();
    return session !== null && session.required && !session.authenticated;
  }

  check(): Observable<AuthSession> {
    return this.http.get<AuthSession>(this.sessionUrl).pipe(tap((session) => this.state.set(session)));
  }

  /** Trades the token for the session cookie; fails with the API's 401 on a wrong token. */
  signIn(token: string): Observable<AuthSession> {
    const body: CreateSessionRequest = { token };
    return this.http.post<AuthSession>(this.sessionUrl, body).pipe(tap((session) => this.state.set(session)));
  }

  /** Clears the cookie, then shows the sign-in page (coming back here after signing in again). */
  signOut(): Observable<void> {
    return this.http.delete<void>(this.sessionUrl).pipe(
      map(() => undefined),
      tap(() => {
        this.state.set({ required: true, authenticated: false });
        void this.router.navigateByUrl(this.signInUrl(this.currentUrl()), { replaceUrl: true });
      }),
    );
  }

  /** A request came back 401: the token changed, the cookie went, or the user never signed in. */
  handleUnauthorized(): void {
    this.state.set({ required: true, authenticated: false });
    const url = this.currentUrl();
    if (isSignInUrl(url)) {
      return; // already there (several requests can fail at once)
    }
    void this.router.navigateByUrl(this.signInUrl(url), { replaceUrl: true });
  }

  /**
   * A log stream failed. EventSource cannot tell a 401 from a dropped connection, so ask the server whether this
   * browser is still signed in; the log viewer reconnects by itself in every other case.
   */
  checkAfterStreamError(): void {
    if (this.streamCheck) {
      return;
    }
    this.streamCheck = true;
    this.check().subscribe({
      next: (session) => {
        this.streamCheck = false;
        if (session.required && !session.authenticated) {
          this.handleUnauthorized();
        }
      },
      error: () => (this.streamCheck = false), // the server is away; the viewer shows that
    });
  }

  signInUrl(returnUrl: string): string {
    const tree = this.router.createUrlTree([SIGN_IN_PATH], {
      queryParams: { returnUrl: safeReturnUrl(returnUrl) === '/' ? null : returnUrl },
    });
    return this.router.serializeUrl(tree);
  }

  /** Where the user is, or is going if a navigation is under way. */
  private currentUrl(): string {
    const navigation = this.router.currentNavigation();
    const target = navigation?.finalUrl ?? navigation?.extractedUrl;
    return target ? this.router.serializeUrl(target) : this.router.url;
  }
}
