/**
 * Slows down guessing of the API token. Each address may present AUTH_MAX_FAILURES wrong credentials (a wrong
 * token to POST /api/auth/session, a wrong Bearer token or a forged session cookie) within AUTH_FAILURE_WINDOW_MS;
 * after that, every request of that address that presents credentials is answered 429, with Retry-After, until its
 * oldest failure leaves the window. Requests without credentials never count: a browser that is not signed in yet
 * is not guessing.
 *
 * The address is the socket's (Express's req.ip): behind a reverse proxy every user shares the proxy's address, so
 * one script with a wrong token can hold everyone off for a window; the 429 says so. Memory is bounded: failures
 * older than the window are dropped, and at most MAX_ADDRESSES addresses are remembered.
 */
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/app-config';

const MAX_ADDRESSES = 10_000;

/** Wall-clock milliseconds; a seam so that tests can move time. */
export const THROTTLE_CLOCK = Symbol('THROTTLE_CLOCK');
export type Clock = () => number;

@Injectable()
export class WrongTokenThrottle {
  /** Per address, the times of its failures within the window, oldest first. */
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(THROTTLE_CLOCK) private readonly now: Clock) {
    this.maxFailures = config.authMaxFailures;
    this.windowMs = config.authFailureWindowMs;
  }

  /**
   * One try of credentials from `req`'s address: 429 when the address has used up its failures, else the result of
   * `verify`, a false one counted as a failure. What the guard and the sign-in endpoint both do.
   */
  attempt(req: Request, verify: () => boolean): boolean {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    this.check(address);
    if (verify()) return true;
    this.recordFailure(address);
    return false;
  }

  /** Throws 429 (with the seconds to wait) when `address` has used up its failures. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length < this.maxFailures) return;
    const retryAfter = Math.max(1, Math.ceil((recent[0] + this.windowMs - this.now()) / 1000));
    throw new HttpException(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message:
          `${recent.length} wrong API tokens or session cookies from this address within ${this.windowMs / 1000} s: ` +
          `try again in ${retryAfter} s`,
        retryAfterSeconds: retryAfter,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  recordFailure(address: string): void {
    if (!this.failures.has(address) && this.failures.size >= MAX_ADDRESSES) this.forgetOldest();
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
  }

  private recent(address: string): number[] {
    const times = this.failures.get(address);
    if (!times) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && times[0] <= since) times.shift();
    if (times.length === 0) this.failures.delete(address);
    return times;
  }

  /** Drops addresses whose failures have all left the window, else the least recently failing one. */
  private forgetOldest(): void {
    for (const address of [...this.failures.keys()]) this.recent(address);
    if (this.failures.size < MAX_ADDRESSES) return;
    let oldest: string | undefined;
    let oldestTime = Infinity;
    for (const [address, times] of this.failures) {
      const last = times[times.length - 1];
      if (last < oldestTime) [oldest, oldestTime] = [address, last];
    }
    if (oldest !== undefined) this.failures.delete(oldest);
  }
}
