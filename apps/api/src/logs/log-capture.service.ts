/**
 * Runs a command and captures everything it prints, stdout and stderr interleaved as they arrive, byte for byte,
 * into the run's log (through TrainingLogStore, via a ChunkWriter). Knows processes and bytes; what a run's
 * status becomes is RunsService's business, which gets the outcome from here.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ChunkWriter } from './chunk-writer';
import { LaunchSpec, ProcessLauncher } from './process-launcher';
import { TrainingLogStore } from './training-log.store';

/**
 * Bytes that may wait behind a run's write in flight before its pipes are paused: two chunks' worth (at least
 * 1 MiB). One full chunk is ready to go the moment the write returns, so throughput is not lost, and pending bytes
 * stay near 3 chunks (measured: 3.05 MiB peak at 1 MiB chunks, against 5.06 MiB with four chunks and no faster).
 */
export function maxPendingBytes(flushBytes: number): number {
  return Math.max(2 * flushBytes, 1024 * 1024);
}

export type CaptureOutcome =
  | {
      kind: 'exited';
      code: number | null;
      signal: NodeJS.Signals | null;
      canceled: boolean;
      droppedBytes: number;
      /** Most bytes held in memory at once for this run (queued plus in flight): the backpressure bound at work. */
      peakPendingBytes: number;
    }
  | { kind: 'spawn-failed'; reason: string };

export interface CaptureHandle {
  /** Resolves once the process has started (with its pid) or failed to start. */
  started: Promise<{ pid: number } | { error: string }>;
  /** Resolves once the process has ended and every byte it printed is stored. */
  finished: Promise<CaptureOutcome>;
}

interface ActiveCapture {
  pid: number | undefined;
  canceled: boolean;
  /** A line for the end of the log saying why the run was stopped (set by cancel). */
  stopNote?: string;
  killTimer?: NodeJS.Timeout;
  finished: Promise<CaptureOutcome>;
}

/** A child that exited but whose pipes stay open (a daemonised grandchild holds them) is let go after this. */
const PIPE_CLOSE_GRACE_MS = 5000;

export function markerLine(text: string): Buffer {
  return Buffer.from(`\r\n\x1b[2m[ml-portal] ${text}\x1b[0m\r\n`);
}

@Injectable()
export class LogCaptureService {
  private readonly logger = new Logger(LogCaptureService.name);
  private readonly active = new Map<string, ActiveCapture>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly launcher: ProcessLauncher,
    private readonly store: TrainingLogStore,
  ) {}

  /** Runs being captured by this server now. */
  get activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Starts `spec` and captures its output into the log of `runId`, from `startOffset` on. */
  start(runId: string, spec: LaunchSpec, startOffset = 0): CaptureHandle {
    let applyPressure: (paused: boolean) => void = () => undefined;
    const writer = new ChunkWriter((offset, data) => this.store.append(runId, offset, data), {
      flushIntervalMs: this.config.logFlushIntervalMs,
      flushBytes: this.config.logFlushBytes,
      quietMs: this.config.logFlushQuietMs,
      maxPendingBytes: maxPendingBytes(this.config.logFlushBytes),
      maxBytes: this.config.logMaxBytes,
      onPressure: (paused) => applyPressure(paused),
      onRetry: (error, attempt) =>
        this.logger.warn(`run ${runId}: log write failed (attempt ${attempt}), retrying: ${String(error)}`),
    }, startOffset);

    const cwdProblem = describeCwdProblem(spec.cwd);
    if (cwdProblem) {
      const finished = this.failToStart(writer, cwdProblem);
      return { started: Promise.resolve({ error: cwdProblem }), finished };
    }

    let child;
    try {
      child = this.launcher.launch(spec);
    } catch (error) {
      // spawn() throws synchronously for arguments it cannot pass (a NUL byte in argv, say).
      const reason = `could not start ${JSON.stringify(spec.command[0])}: ${(error as Error).message}`;
      const finished = this.failToStart(writer, reason);
      return { started: Promise.resolve({ error: reason }), finished };
    }

    const capture: ActiveCapture = { pid: child.pid, canceled: false, finished: null as never };
    const streams = [child.stdout, child.stderr];
    for (const stream of streams) stream.on('data', (data: Buffer) => writer.write(data));
    applyPressure = (paused) => streams.forEach((s) => (paused ? s.pause() : s.resume()));

    let resolveStarted!: (value: { pid: number } | { error: string }) => void;
    const started = new Promise<{ pid: number } | { error: string }>((resolve) => (resolveStarted = resolve));

    capture.finished = new Promise<CaptureOutcome>((resolve) => {
      let exitTimer: NodeJS.Timeout | undefined;
      child.once('spawn', () => resolveStarted({ pid: child.pid as number }));
      child.once('error', (error: Error) => {
        // 'error' before 'spawn' means it never started (ENOENT, EACCES...). Later errors (a failed kill) are
        // followed by 'close' as usual.
        if (child.pid !== undefined) return;
        resolveStarted({ error: error.message });
        this.failToStart(writer, error.message).then(resolve);
      });
      child.once('exit', () => {
        exitTimer = setTimeout(() => streams.forEach((s) => s.destroy()), PIPE_CLOSE_GRACE_MS);
        exitTimer.unref();
      });
      child.once('close', async (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(exitTimer);
        clearTimeout(capture.killTimer);
        if (child.pid === undefined) return; // handled by 'error'
        await writer.flush();
        // Markers go past the cap: they are what tells a reader that output is missing or why it stopped.
        const markers: Buffer[] = [];
        if (writer.droppedBytes > 0) {
          markers.push(
            markerLine(
              `log limit reached: ${writer.droppedBytes} bytes of output past LOG_MAX_BYTES ` +
                `(${this.config.logMaxBytes} bytes) were dropped`,
            ),
          );
        }
        if (capture.stopNote) markers.push(markerLine(capture.stopNote));
        if (markers.length) await this.appendTrailer(runId, writer.acceptedOffset, Buffer.concat(markers));
        this.active.delete(runId);
        resolve({
          kind: 'exited',
          code,
          signal,
          canceled: capture.canceled,
          droppedBytes: writer.droppedBytes,
          peakPendingBytes: writer.peakPendingBytes,
        });
      });
    });
    this.active.set(runId, capture);
    return { started, finished: capture.finished };
  }

  /**
   * Asks the run's whole process group to stop: SIGTERM now, SIGKILL after RUN_CANCEL_GRACE_MS. With `stopNote`,
   * a marker line saying so ends the log, after the last bytes the process printed.
   * Resolves with the outcome once it has stopped; undefined when this server is not capturing the run.
   */
  cancel(runId: string, stopNote?: string): Promise<CaptureOutcome> | undefined {
    const capture = this.active.get(runId);
    if (!capture) return undefined;
    if (stopNote) capture.stopNote ??= stopNote;
    if (!capture.canceled && capture.pid !== undefined) {
      capture.canceled = true;
      const pid = capture.pid;
      this.launcher.signalGroup(pid, 'SIGTERM');
      capture.killTimer = setTimeout(() => this.launcher.signalGroup(pid, 'SIGKILL'), this.config.runCancelGraceMs);
    }
    return capture.finished;
  }

  /**
   * Stops the process group of a run that no capture here owns (left behind by a server that died). Only a
   * process whose environment carries the run's id is touched: its pid may belong to someone else by now.
   */
  terminateOrphan(pid: number, runId: string, runIdEnv: string): boolean {
    if (!this.launcher.environmentContains(pid, `${runIdEnv}=${runId}`)) return false;
    this.launcher.signalGroup(pid, 'SIGTERM');
    setTimeout(() => this.launcher.signalGroup(pid, 'SIGKILL'), this.config.runCancelGraceMs).unref();
    return true;
  }

  private async failToStart(writer: ChunkWriter, reason: string): Promise<CaptureOutcome> {
    writer.write(markerLine(`failed to start: ${reason}`));
    await writer.flush();
    return { kind: 'spawn-failed', reason };
  }

  /** Writes markers past the cap; retried like every write, since they are what tells the reader why output ends. */
  private async appendTrailer(runId: string, offset: number, data: Buffer): Promise<void> {
    const trailer = new ChunkWriter((o, d) => this.store.append(runId, o, d), {
      flushIntervalMs: 0,
      flushBytes: 1,
      quietMs: 0,
      maxPendingBytes: Number.MAX_SAFE_INTEGER,
      maxBytes: Number.MAX_SAFE_INTEGER,
    }, offset);
    trailer.write(data);
    await trailer.flush();
  }
}

function describeCwdProblem(cwd: string): string | null {
  try {
    if (!fs.statSync(cwd).isDirectory()) return `working directory ${cwd} is not a directory`;
    return null;
  } catch {
    return `working directory ${cwd} does not exist`;
  }
}
