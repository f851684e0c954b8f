/**
 * The shared tail's scheduling, with the store and the notifier faked: a wake-up that arrives while a poll is in
 * flight is not dropped (one more poll follows at once), wake-ups never put two polls in flight, and many
 * watchers of one run share each poll.
 */
import { Subject } from 'rxjs';
import type { AppConfig } from '../config/app-config';
import type { LogNotifier } from './log-notifier';
import { LogStreamService } from './log-stream.service';
import type { RunLogState, TrainingLogStore } from './training-log.store';

const RUN = '11111111-1111-4111-8111-111111111111';
const tick = () => new Promise((r) => setImmediate(r));

function setup() {
  const wake = new Subject<void>();
  let size = 0;
  const pending: (() => void)[] = [];
  let holding = false;
  let inFlight = 0;
  let maxInFlight = 0;
  let polls = 0;
  const state = (): RunLogState => ({ status: 'running', exitCode: null, failureReason: null, size });
  const store = {
    // open()'s checks answer at once; once the streams are subscribed, every call is a poll, held until released.
    state: jest.fn(async () => {
      if (!holding) return state();
      polls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      inFlight--;
      return state();
    }),
    read: jest.fn(async (_id: string, from: number, to: number) => Buffer.alloc(Math.max(0, to - from), 120)),
  };
  const notifier = { wakeups: () => wake.asObservable() } as unknown as LogNotifier;
  const config = { logPollIntervalMs: 60_000, sseKeepAliveMs: 60_000 } as AppConfig;
  const service = new LogStreamService(config, store as unknown as TrainingLogStore, notifier);
  return {
    service,
    wake,
    grow: (bytes: number) => (size += bytes),
    holdPolls: () => (holding = true),
    release: async () => {
      pending.splice(0).forEach((resolve) => resolve());
      await tick();
      await tick();
    },
    get polls() {
      return polls;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

describe('LogStreamService shared tail wake-ups', () => {
  it('polls once more right after a poll during which a wake-up arrived', async () => {
    const f = setup();
    const stream = await f.service.open(RUN, 0);
    f.holdPolls();
    const events: unknown[] = [];
    const subscription = stream.subscribe((e) => events.push(e));
    await tick();
    expect(f.polls).toBe(1); // the first poll, in flight

    f.grow(10);
    f.wake.next();
    f.wake.next(); // several wake-ups during one poll fold into one more poll
    expect(f.polls).toBe(1);
    await f.release();
    expect(f.polls).toBe(2); // started without waiting for the 60 s interval
    await f.release();
    expect(f.polls).toBe(2); // and nothing more until the next wake-up or interval
    expect(f.maxInFlight).toBe(1);

    f.wake.next();
    await tick();
    expect(f.polls).toBe(3);
    await f.release();
    subscription.unsubscribe();
  });

  it('shares each poll among all the watchers of a run', async () => {
    const f = setup();
    const subscriptions = [];
    const streams = [];
    for (let i = 0; i < 50; i++) streams.push(await f.service.open(RUN, 0));
    f.holdPolls();
    for (const stream of streams) subscriptions.push(stream.subscribe());
    await tick();
    expect(f.polls).toBe(1);
    f.wake.next();
    await f.release();
    await f.release();
    expect(f.polls).toBe(2);
    expect(f.maxInFlight).toBe(1);
    subscriptions.forEach((s) => s.unsubscribe());
    expect(f.service.stats().pollers).toBe(0);
  });
});
