/** Where the API lives; the built app is served by the API itself, and the dev server proxies `/api`. */
import { InjectionToken } from '@angular/core';

export const API_BASE = new InjectionToken<string>('API_BASE', { providedIn: 'root', factory: () => '/api' });
