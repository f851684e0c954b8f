import { Component } from '@angular/core';
import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { ApiError } from '@ml-portal/contracts';
import { authInterceptor } from './auth.interceptor';
import { AuthSessionService } from './auth-session.service';

@Component({ template: '' })
class PageStub {}

const UNAUTHORIZED: ApiError = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'an API token is required: send Authorization: Bearer <token>, or sign in with POST /api/auth/session',
};

describe('authInterceptor', () => {
  let http: HttpTestingController;
  let client: HttpClient;
  let router: Router;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'sign-in', component: PageStub },
          { path: 'experiments/:experimentId', component: PageStub },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    client = TestBed.inject(HttpClient);
    router = TestBed.inject(Router);
    await router.navigateByUrl('/experiments/e1?tab=runs');
  });

  afterEach(() => http.verify());

  /** Sends a request, answers it with `status`, and gives back the error the caller saw. */
  async function fail(method: 'GET' | 'POST', url: string, status: number): Promise<unknown> {
    let seen: unknown = null;
    client.request(method, url, { body: method === 'POST' ? {} : null }).subscribe({ error: (error) => (seen = error) });
    http.expectOne({ method, url }).flush(status === 401 ? UNAUTHORIZED : { message: 'nope' }, { status, statusText: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 0)); // lets a navigation, if any, finish
    return seen;
  }

  it('sends the user to sign in on a 401 and back here afterwards, still failing the request', async () => {
    const error = await fail('GET', '/api/experiments', 401);
    expect(error).toBeInstanceOf(HttpErrorResponse);
    expect((error as HttpErrorResponse).status).toBe(401);
    expect(router.url).toBe('/sign-in?returnUrl=%2Fexperiments%2Fe1%3Ftab%3Druns');
    expect(TestBed.inject(AuthSessionService).session()).toEqual({ required: true, authenticated: false });
  });

  it('navigates once when several requests fail together', async () => {
    const navigate = jest.spyOn(router, 'navigateByUrl');
    const errors: unknown[] = [];
    for (const url of ['/api/experiments/e1', '/api/experiments/e1/runs']) {
      client.get(url).subscribe({ error: (error) => errors.push(error) });
    }
    for (const request of http.match(() => true)) {
      request.flush(UNAUTHORIZED, { status: 401, statusText: 'Unauthorized' });
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toHaveLength(2);
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(router.url).toBe('/sign-in?returnUrl=%2Fexperiments%2Fe1%3Ftab%3Druns');
  });

  it('leaves a wrong token on the sign-in endpoint to the sign-in page', async () => {
    await fail('POST', '/api/auth/session', 401);
    expect(router.url).toBe('/experiments/e1?tab=runs');
  });

  it('ignores other errors and other hosts', async () => {
    await fail('GET', '/api/experiments', 500);
    await fail('GET', '/api/experiments', 404);
    await fail('GET', 'https://elsewhere.example/api/experiments', 401);
    await fail('GET', '/apix/experiments', 401);
    expect(router.url).toBe('/experiments/e1?tab=runs');
    expect(TestBed.inject(AuthSessionService).session()).toBeNull();
  });
});
