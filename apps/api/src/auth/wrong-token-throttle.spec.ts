import { HttpException } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { WrongTokenThrottle } from './wrong-token-throttle';

describe('WrongTokenThrottle', () => {
  let now = 1_000_000;
  const make = () => new WrongTokenThrottle({ ...loadConfig({}), authMaxFailures: 3, authFailureWindowMs: 10_000 }, () => now);

  const refusal = (throttle: WrongTokenThrottle, address: string): HttpException | undefined => {
    try {
      throttle.check(address);
      return undefined;
    } catch (error) {
      return error as HttpException;
    }
  };

  it('lets an address fail maxFailures times, then answers 429 with the seconds left until its oldest failure expires', () => {
    const throttle = make();
    for (let i = 0; i < 3; i++) {
      expect(refusal(throttle, '10.0.0.1')).toBeUndefined();
      throttle.recordFailure('10.0.0.1');
      now += 1000;
    }
    const error = refusal(throttle, '10.0.0.1');
    expect(error?.getStatus()).toBe(429);
    // failures at t, t+1 s, t+2 s; now t+3 s: the first leaves the window at t+10 s, 7 s from now
    expect(error?.getResponse()).toMatchObject({ statusCode: 429, retryAfterSeconds: 7, message: expect.stringContaining('try again in 7 s') });
    // another address is not affected
    expect(refusal(throttle, '10.0.0.2')).toBeUndefined();
    // once the oldest failure has left the window, one more try is allowed, and no more
    now += 7000;
    expect(refusal(throttle, '10.0.0.1')).toBeUndefined();
    throttle.recordFailure('10.0.0.1');
    expect(refusal(throttle, '10.0.0.1')?.getStatus()).toBe(429);
    now += 20_000;
    expect(refusal(throttle, '10.0.0.1')).toBeUndefined();
  });

  it('remembers a bounded number of addresses', () => {
    const throttle = make();
    for (let i = 0; i < 10_050; i++) throttle.recordFailure(`addr-${i}`);
    expect((throttle as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(10_000);
    // the most recent ones are kept
    for (let i = 0; i < 2; i++) throttle.recordFailure('addr-10049');
    expect(refusal(throttle, 'addr-10049')?.getStatus()).toBe(429);
  });
});
