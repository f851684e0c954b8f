import { Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { EVENT_SOURCE_FACTORY } from '@ml-portal/log-viewer';
import { authAwareEventSourceFactory } from './auth-event-source';

@Component({ template: '' })
class PageStub {}

/** Enough of EventSource for the factory (jsdom has none). */
class FakeEventSource extends EventTarget {
  static created: FakeEventSource[] = [];
  constructor(readonly url: string) {
    super();
    FakeEventSource.created.push(this);
  }
  close(): void {
    /* nothing to close */
  }
}

describe('the log stream EventSource', () => {
  let http: HttpTestingController;
  let router: Router;
  const original = (globalThis as { EventSource?: unknown }).EventSource;

  beforeEach(async () => {
    FakeEventSource.created = [];
    (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'sign-in', component: PageStub },
          { path: 'experiments/:experimentId/runs/:runId', component: PageStub },
        ]),
        { provide: EVENT_SOURCE_FACTORY, useFactory: authAwareEventSourceFactory },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    await router.navigateByUrl('/experiments/e1/runs/r1');
  });

  afterEach(() => {
    http.verify();
    (globalThis as { EventSource?: unknown }).EventSource = original;
  });

  function openStream(): FakeEventSource {
    TestBed.inject(EVENT_SOURCE_FACTORY)('/api/runs/r1/logs/stream?offset=0');
    return FakeEventSource.created[FakeEventSource.created.length - 1];
  }

  it('opens the stream at the URL it is given (the cookie goes along by itself)', () => {
    expect(openStream().url).toBe('/api/runs/r1/logs/stream?offset=0');
  });

  it('asks, when the stream fails, whether the browser was signed out, and if so goes to sign in', async () => {
    const source = openStream();
    source.dispatchEvent(new Event('error'));
    source.dispatchEvent(new Event('error')); // one question at a time
    http.expectOne('/api/auth/session').flush({ required: true, authenticated: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(router.url).toBe('/sign-in?returnUrl=%2Fexperiments%2Fe1%2Fruns%2Fr1');
  });

  it('leaves reconnecting to the viewer when the browser is still signed in or the server is away', async () => {
    const source = openStream();
    source.dispatchEvent(new Event('error'));
    http.expectOne('/api/auth/session').flush({ required: true, authenticated: true });
    source.dispatchEvent(new Event('error'));
    http.expectOne('/api/auth/session').error(new ProgressEvent('error'), { status: 0 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(router.url).toBe('/experiments/e1/runs/r1');
  });
});
