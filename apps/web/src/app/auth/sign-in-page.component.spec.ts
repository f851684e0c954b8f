import { Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { ApiError, CreateSessionRequest } from '@ml-portal/contracts';
import { AuthSessionService } from './auth-session.service';
import { SignInPageComponent } from './sign-in-page.component';

@Component({ template: 'the run' })
class RunStub {}

const WRONG_TOKEN: ApiError = { statusCode: 401, error: 'Unauthorized', message: 'token: wrong API token' };

describe('SignInPageComponent', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let router: Router;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter(
          [
            { path: 'sign-in', component: SignInPageComponent },
            { path: 'experiments/:experimentId/runs/:runId', component: RunStub },
            { path: '', component: RunStub },
          ],
          withComponentInputBinding(),
        ),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  const root = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  const byTestId = <T extends HTMLElement>(id: string): T => root().querySelector(`[data-testid="${id}"]`) as T;

  async function open(url = '/sign-in?returnUrl=%2Fexperiments%2Fe1%2Fruns%2Fr1'): Promise<void> {
    await harness.navigateByUrl(url);
  }

  async function submit(token: string): Promise<void> {
    const input = byTestId<HTMLInputElement>('sign-in-token');
    input.value = token;
    input.dispatchEvent(new Event('input'));
    byTestId<HTMLButtonElement>('sign-in-submit').click();
    await harness.fixture.whenStable();
  }

  it('asks for the token in a password field', async () => {
    await open();
    expect(byTestId<HTMLInputElement>('sign-in-token').type).toBe('password');
    expect(root().textContent).toContain('Sign in');
  });

  it('says a token is needed before sending anything', async () => {
    await open();
    await submit('');
    expect(root().textContent).toContain('Enter the API token.');
    http.expectNone('/api/auth/session');
  });

  it('says so clearly on a wrong token, and forgets the error once the token is edited', async () => {
    await open();
    await submit('not-the-token');
    const request = http.expectOne({ method: 'POST', url: '/api/auth/session' });
    expect(request.request.body).toEqual({ token: 'not-the-token' } satisfies CreateSessionRequest);
    request.flush(WRONG_TOKEN, { status: 401, statusText: 'Unauthorized' });
    await harness.fixture.whenStable();
    expect(byTestId('sign-in-error')?.textContent).toContain("Wrong token: this is not the server's API_TOKEN.");
    expect(router.url).toBe('/sign-in?returnUrl=%2Fexperiments%2Fe1%2Fruns%2Fr1');
    expect(byTestId<HTMLButtonElement>('sign-in-submit').disabled).toBe(false);

    const input = byTestId<HTMLInputElement>('sign-in-token');
    input.value = 'another';
    input.dispatchEvent(new Event('input'));
    await harness.fixture.whenStable();
    expect(byTestId('sign-in-error')).toBeNull();
  });

  it('goes back to where the user was once signed in', async () => {
    await open();
    await submit('  0123456789abcdef0123456789abcdef ');
    const request = http.expectOne({ method: 'POST', url: '/api/auth/session' });
    expect(request.request.body).toEqual({ token: '0123456789abcdef0123456789abcdef' });
    request.flush({ required: true, authenticated: true });
    await harness.fixture.whenStable();
    expect(router.url).toBe('/experiments/e1/runs/r1');
    expect(TestBed.inject(AuthSessionService).signedIn()).toBe(true);
  });

  it('goes home rather than to another site', async () => {
    await open('/sign-in?returnUrl=https%3A%2F%2Fevil.example%2F');
    await submit('0123456789abcdef0123456789abcdef');
    http.expectOne({ method: 'POST', url: '/api/auth/session' }).flush({ required: true, authenticated: true });
    await harness.fixture.whenStable();
    expect(router.url).toBe('/');
  });

  it('says when the server cannot be reached', async () => {
    await open();
    await submit('0123456789abcdef0123456789abcdef');
    http
      .expectOne({ method: 'POST', url: '/api/auth/session' })
      .error(new ProgressEvent('error'), { status: 0, statusText: 'Unknown Error' });
    await harness.fixture.whenStable();
    expect(byTestId('sign-in-error')?.textContent).toContain('The server cannot be reached');
  });
});
