import { Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router } from '@angular/router';
import type { AuthSession } from '@ml-portal/contracts';
import { firstValueFrom } from 'rxjs';
import { AppComponent } from './app.component';
import { AuthSessionService } from './auth/auth-session.service';

@Component({ template: '' })
class PageStub {}

describe('AppComponent toolbar', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<AppComponent>;

  async function render(session: AuthSession): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      imports: [AppComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        provideRouter([
          { path: 'sign-in', component: PageStub },
          { path: 'experiments/:experimentId', component: PageStub },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await TestBed.inject(Router).navigateByUrl('/experiments/e1');
    const checked = firstValueFrom(TestBed.inject(AuthSessionService).check());
    http.expectOne('/api/auth/session').flush(session);
    await checked;
    fixture = TestBed.createComponent(AppComponent);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  afterEach(() => http.verify());

  const signOut = (root: HTMLElement): HTMLButtonElement | null => root.querySelector('[data-testid="sign-out"]');

  it('has no sign-out button when the server needs no token', async () => {
    expect(signOut(await render({ required: false, authenticated: true }))).toBeNull();
  });

  it('signs out: the cookie is cleared and the sign-in page shows, leading back here', async () => {
    const root = await render({ required: true, authenticated: true });
    signOut(root)?.click();
    http.expectOne({ method: 'DELETE', url: '/api/auth/session' }).flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/sign-in?returnUrl=%2Fexperiments%2Fe1');
    expect(signOut(root)).toBeNull();
  });

  it('says so when signing out fails', async () => {
    const root = await render({ required: true, authenticated: true });
    signOut(root)?.click();
    http
      .expectOne({ method: 'DELETE', url: '/api/auth/session' })
      .error(new ProgressEvent('error'), { status: 0, statusText: 'Unknown Error' });
    await fixture.whenStable();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Signing out failed');
    expect(TestBed.inject(Router).url).toBe('/experiments/e1');
  });
});
