/**
 * The log viewer's EventSource, which sends the session cookie (same origin) but cannot report a 401: on every
 * stream error, the session is checked, and a signed-out browser goes to the sign-in page.
 */
import { inject } from '@angular/core';
import type { EventSourceFactory } from '@ml-portal/log-viewer';
import { AuthSessionService } from './auth-session.service';

export function authAwareEventSourceFactory(): EventSourceFactory {
  const auth = inject(AuthSessionService);
  return (url: string) => {
    const source = new EventSource(url);
    source.addEventListener('error', () => auth.checkAfterStreamError());
    return source;
  };
}
