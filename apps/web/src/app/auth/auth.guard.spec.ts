import { Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, type Routes } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { AuthSession } from '@ml-portal/contracts';
import { authGuard, signInPageGuard } from './auth.guard';
import { AuthSessionService } from './auth-session.service';

@Component({ template: 'page' })
class PageStub {}

@Component({ template: 'sign in here' })
class SignInStub {}

const routes: Routes = [
  { path: 'sign-in', canActivate: [signInPageGuard], component: SignInStub },
  {
    path: '',
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', component: PageStub },
      { path: 'experiments/:experimentId', component: PageStub },
    ],
  },
];

describe('the auth guards', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let router: Router;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter(routes)] });
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  /** A navigation waiting on a guard keeps the app unstable, so this polls instead of waiting for stability. */
  async function sessionRequest(): Promise<TestRequest> {
    for (let turn = 0; turn < 200; turn++) {
      const found = http.match({ method: 'GET', url: '/api/auth/session' });
      if (found.length > 0) {
        expect(found).toHaveLength(1);
        return found[0];
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    throw new Error('no GET /api/auth/session');
  }

  async function navigate(url: string, session: AuthSession | 'unreachable'): Promise<string> {
    const done = harness.navigateByUrl(url);
    const request = await sessionRequest();
    if (session === 'unreachable') {
      request.error(new ProgressEvent('error'), { status: 0, statusText: 'Unknown Error' });
    } else {
      request.flush(session);
    }
    await done;
    return router.url;
  }

  it('sends a browser that has not signed in to the sign-in page, remembering where it was going', async () => {
    expect(await navigate('/experiments/e1?tab=runs', { required: true, authenticated: false })).toBe(
      '/sign-in?returnUrl=%2Fexperiments%2Fe1%3Ftab%3Druns',
    );
    expect(harness.routeNativeElement?.textContent).toContain('sign in here');
  });

  it('shows the sign-in page when it is asked for and needed', async () => {
    expect(await navigate('/sign-in?returnUrl=%2Fexperiments%2Fe1', { required: true, authenticated: false })).toBe(
      '/sign-in?returnUrl=%2Fexperiments%2Fe1',
    );
    expect(harness.routeNativeElement?.textContent).toContain('sign in here');
  });

  it('opens the pages when the server needs no token, without asking again on the next page', async () => {
    expect(await navigate('/', { required: false, authenticated: true })).toBe('/');
    expect(harness.routeNativeElement?.textContent).toContain('page');
    await harness.navigateByUrl('/experiments/e1');
    expect(router.url).toBe('/experiments/e1');
    expect(TestBed.inject(AuthSessionService).signedIn()).toBe(false); // nothing to sign out of
  });

  it('opens the pages for a signed-in browser', async () => {
    expect(await navigate('/experiments/e1', { required: true, authenticated: true })).toBe('/experiments/e1');
    expect(TestBed.inject(AuthSessionService).signedIn()).toBe(true);
  });

  it('opens the pages when the server cannot say (they show their own errors)', async () => {
    expect(await navigate('/experiments/e1', 'unreachable')).toBe('/experiments/e1');
  });

  it('skips the sign-in page when no token is needed or the browser has signed in', async () => {
    expect(await navigate('/sign-in?returnUrl=%2Fexperiments%2Fe1', { required: false, authenticated: true })).toBe(
      '/experiments/e1',
    );
    expect(await navigate('/sign-in', { required: true, authenticated: true })).toBe('/');
  });

  it('never returns to another site', async () => {
    expect(await navigate('/sign-in?returnUrl=%2F%2Fevil.example', { required: true, authenticated: true })).toBe('/');
  });
});
