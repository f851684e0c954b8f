import { finalState, SERVER_STOPPED_REASON } from './run-outcome';

const exited = (code: number | null, signal: NodeJS.Signals | null, canceled = false) =>
  ({ kind: 'exited', code, signal, canceled, droppedBytes: 0, peakPendingBytes: 0 }) as const;

describe('finalState', () => {
  it.each([
    [exited(0, null), { status: 'succeeded', exitCode: 0, signal: null, failureReason: null }],
    [exited(2, null), { status: 'failed', exitCode: 2, signal: null, failureReason: 'exited with code 2' }],
    [exited(null, 'SIGSEGV'), { status: 'failed', exitCode: null, signal: 'SIGSEGV', failureReason: 'killed by signal SIGSEGV' }],
    [exited(null, 'SIGTERM', true), { status: 'canceled', exitCode: null, signal: 'SIGTERM', failureReason: null }],
    [exited(143, null, true), { status: 'canceled', exitCode: 143, signal: null, failureReason: null }],
    [{ kind: 'spawn-failed', reason: 'spawn x ENOENT' } as const, { status: 'failed', exitCode: null, signal: null, failureReason: 'spawn x ENOENT' }],
  ])('maps %j', (outcome, state) => expect(finalState(outcome)).toEqual(state));

  it('fails runs stopped because the server stops, saying so', () => {
    expect(finalState(exited(null, 'SIGTERM', true), true)).toMatchObject({ status: 'failed', failureReason: SERVER_STOPPED_REASON });
  });
});
