/** What a run's final status is, given how its process ended. Pure, so every case is a one-line test. */
import type { RunStatus } from '@ml-portal/contracts';
import type { CaptureOutcome } from '../logs/log-capture.service';

export interface FinalState {
  status: RunStatus;
  exitCode: number | null;
  signal: string | null;
  failureReason: string | null;
}

export const SERVER_STOPPED_REASON = 'the server stopped while the run was active';
/** The line that ends the log of such a run, whether the server stopped cleanly or crashed (written at restart). */
export const SERVER_STOPPED_MARKER = `${SERVER_STOPPED_REASON}; the run is marked failed`;

export function finalState(outcome: CaptureOutcome, serverStopping = false): FinalState {
  if (outcome.kind === 'spawn-failed') {
    return { status: 'failed', exitCode: null, signal: null, failureReason: outcome.reason };
  }
  const { code, signal, canceled } = outcome;
  if (serverStopping) return { status: 'failed', exitCode: code, signal, failureReason: SERVER_STOPPED_REASON };
  if (canceled) return { status: 'canceled', exitCode: code, signal, failureReason: null };
  if (code === 0) return { status: 'succeeded', exitCode: 0, signal: null, failureReason: null };
  if (signal) return { status: 'failed', exitCode: null, signal, failureReason: `killed by signal ${signal}` };
  return { status: 'failed', exitCode: code, signal: null, failureReason: `exited with code ${code}` };
}
