import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideRouter, withComponentInputBinding, withRouterConfig } from '@angular/router';
import { EVENT_SOURCE_FACTORY } from '@ml-portal/log-viewer';
import { appRoutes } from './app.routes';
import { authAwareEventSourceFactory } from './auth/auth-event-source';
import { authInterceptor } from './auth/auth.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
    provideRouter(
      appRoutes,
      withComponentInputBinding(),
      // the run-detail route needs its parent's :experimentId as an input too
      withRouterConfig({ paramsInheritanceStrategy: 'always' }),
    ),
    // a live log that fails because this browser was signed out leads to the sign-in page
    { provide: EVENT_SOURCE_FACTORY, useFactory: authAwareEventSourceFactory },
  ],
};
