/**
 * Who may use the API when API_TOKEN is set: a request carries the token itself (`Authorization: Bearer`) or a
 * session cookie derived from it (the browser's way: EventSource cannot send headers). Stateless: the cookie is an
 * HMAC of the token, so changing API_TOKEN signs every browser out and nothing is stored.
 */
import { Inject, Injectable } from '@nestjs/common';
import { SESSION_COOKIE } from '@ml-portal/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** What a cookie is derived for; a different purpose string would make a different, unrelated value. */
const SESSION_PURPOSE = 'ml-portal session cookie v1';

@Injectable()
export class AuthService {
  private readonly tokenDigest: Buffer | undefined;
  private readonly sessionValue: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.apiToken !== undefined) {
      this.tokenDigest = digest(config.apiToken);
      this.sessionValue = createHmac('sha256', config.apiToken).update(SESSION_PURPOSE).digest('base64url');
    }
  }

  get required(): boolean {
    return this.tokenDigest !== undefined;
  }

  /** Constant-time: both sides are hashed to 32 bytes first, so neither length nor content leaks through timing. */
  isToken(candidate: unknown): boolean {
    if (!this.tokenDigest || typeof candidate !== 'string') return false;
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  /** Whether the request offers credentials at all (an Authorization header or a session cookie), right or wrong. */
  presentsCredentials(headers: IncomingHttpHeaders): boolean {
    return Boolean(headers.authorization) || readCookie(headers.cookie, SESSION_COOKIE) !== undefined;
  }

  /** Whether the request carries the token or a valid session cookie (always true when no token is configured). */
  isAuthenticated(headers: IncomingHttpHeaders): boolean {
    if (!this.required) return true;
    const authorization = headers.authorization;
    if (authorization) {
      const match = /^Bearer +(\S+) *$/i.exec(authorization);
      if (match && this.isToken(match[1])) return true;
    }
    const cookie = readCookie(headers.cookie, SESSION_COOKIE);
    return cookie !== undefined && this.isSessionCookie(cookie);
  }

  /** `Set-Cookie` value that signs a browser in. Secure when the request came over HTTPS. */
  sessionCookie(secure: boolean): string {
    if (!this.sessionValue) throw new Error('no API_TOKEN: there is no session to create');
    return `${SESSION_COOKIE}=${this.sessionValue}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  /** `Set-Cookie` value that signs a browser out. */
  clearedSessionCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  }

  private isSessionCookie(value: string): boolean {
    return this.sessionValue !== undefined && timingSafeEqual(digest(value), digest(this.sessionValue));
  }
}

function digest(value: string): Buffer {
  return createHmac('sha256', 'ml-portal token comparison').update(value).digest();
}

/** One cookie's value from a Cookie header (RFC 6265 pairs separated by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
