/**
 * A run's life: stored, started through LogCaptureService, its status following the process, canceled on
 * request, and cleaned up after a server that stopped or died while it was active.
 */
import {
  BeforeApplicationShutdown,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isFinishedStatus } from '@ml-portal/contracts';
import * as path from 'node:path';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ExperimentsService } from '../experiments/experiments.service';
import { CaptureOutcome, LogCaptureService, markerLine } from '../logs/log-capture.service';
import { LogStreamService } from '../logs/log-stream.service';
import { TrainingLogStore } from '../logs/training-log.store';
import { CreateRunDto } from './dto/create-run.dto';
import { RunDto } from './dto/run.dto';
import { Run } from './run.entity';
import { finalState, SERVER_STOPPED_MARKER, SERVER_STOPPED_REASON } from './run-outcome';

/** Set in every run's environment, so a restarted server can recognise its orphaned processes. */
export const RUN_ID_ENV = 'ML_PORTAL_RUN_ID';

@Injectable()
export class RunsService implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunsService.name);
  /** Per active run: resolves once its final status is stored. */
  private readonly settled = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly experiments: ExperimentsService,
    private readonly capture: LogCaptureService,
    private readonly logs: TrainingLogStore,
    private readonly streams: LogStreamService,
  ) {}

  async create(experimentId: string, dto: CreateRunDto): Promise<RunDto> {
    await this.experiments.assertExists(experimentId);
    if (this.stopping) throw new ConflictException('the server is shutting down; no new runs are started');
    const run = await this.runs.save(
      this.runs.create({
        experimentId,
        name: dto.name ?? dto.command.join(' ').slice(0, 200),
        command: dto.command,
        cwd: path.resolve(this.config.defaultRunCwd, dto.cwd ?? '.'),
        status: 'queued',
      }),
    );
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PYTHONUNBUFFERED: '1',
      FORCE_COLOR: '1',
      ...dto.env,
      [RUN_ID_ENV]: run.id,
    };
    if (this.stopping) {
      // Shutdown began while the run was being stored: it is not started, and not kept.
      await this.runs.delete({ id: run.id });
      throw new ConflictException('the server is shutting down; no new runs are started');
    }
    // Registered before the first await, so that a shutdown starting now cancels this run and waits for its
    // final status; the status is stored only after `running` is, so the two writes cannot land out of order.
    const handle = this.capture.start(run.id, { command: run.command, cwd: run.cwd, env });
    const running = handle.started.then(async (started) => {
      if ('pid' in started) {
        await this.runs.update({ id: run.id }, { status: 'running', pid: started.pid, startedAt: new Date() });
      }
      return started;
    });
    const settled = running
      .catch(() => undefined)
      .then(() => handle.finished)
      .then((outcome) => this.settle(run.id, outcome));
    this.settled.set(run.id, settled);
    const started = await running;
    // A start failure is known at once: answer with the failed run rather than one about to fail.
    if ('error' in started) await settled;
    return this.get(run.id);
  }

  async list(experimentId: string): Promise<RunDto[]> {
    await this.experiments.assertExists(experimentId);
    const runs = await this.runs.find({ where: { experimentId }, order: { createdAt: 'DESC' } });
    return runs.map(RunDto.from);
  }

  async get(id: string): Promise<RunDto> {
    return RunDto.from(await this.find(id));
  }

  /** SIGTERM to the run's process group, SIGKILL after the grace period; answers once the run has stopped. */
  async cancel(id: string): Promise<RunDto> {
    const run = await this.find(id);
    if (isFinishedStatus(run.status)) {
      throw new ConflictException(`run ${id} has already finished (status ${run.status}); there is nothing to cancel`);
    }
    const stopping = this.capture.cancel(id);
    if (stopping) {
      await stopping;
      await this.settled.get(id);
    } else {
      // Active in the database but not captured here: a process this server does not own.
      if (run.pid) this.capture.terminateOrphan(run.pid, id, RUN_ID_ENV);
      await this.runs.update({ id, status: In(['queued', 'running']) }, {
        status: 'canceled',
        finishedAt: new Date(),
        failureReason: null,
      });
    }
    return this.get(id);
  }

  /** Runs left active by a server that stopped without finishing them: fail them, say why, stop their processes. */
  async onApplicationBootstrap(): Promise<void> {
    const orphans = await this.runs.find({ where: { status: In(['queued', 'running']) } });
    for (const run of orphans) {
      if (this.capture.isActive(run.id)) continue;
      if (run.pid) this.capture.terminateOrphan(run.pid, run.id, RUN_ID_ENV);
      await this.logs.append(run.id, run.logSize, markerLine(SERVER_STOPPED_MARKER));
      await this.runs.update({ id: run.id, status: In(['queued', 'running']) }, {
        status: 'failed',
        failureReason: SERVER_STOPPED_REASON,
        finishedAt: new Date(),
      });
      this.logger.warn(`run ${run.id} was left ${run.status} by a server that stopped; marked failed`);
    }
  }

  /** The first shutdown hook: from here on no run is started (409). */
  onModuleDestroy(): void {
    this.stopping = true;
  }

  /** Stops active runs' process groups, stores their last bytes and their status, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const active = this.capture.activeRunIds;
    if (active.length) this.logger.log(`stopping ${active.length} active run(s)`);
    // The same marker line that recovery writes after a crash ends each stopped run's log.
    await Promise.all(active.map((id) => this.capture.cancel(id, SERVER_STOPPED_MARKER)));
    await Promise.all([...this.settled.values()]);
    await this.drainStreams();
  }

  /**
   * Gives open log streams the time to send their runs' final status and `end` (each stream closes itself once
   * its run has finished and it has sent every byte), so that watchers see a clean end rather than a cut
   * connection. Bounded: whatever is still open afterwards is closed with the server.
   */
  private async drainStreams(): Promise<void> {
    const deadline = Date.now() + Math.max(3 * this.config.logPollIntervalMs + 1000, 3000);
    while (this.streams.stats().streams > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async find(id: string): Promise<Run> {
    const run = await this.runs.findOneBy({ id });
    if (!run) throw new NotFoundException(`run ${id} not found`);
    return run;
  }

  /** Stores the final status, retrying while the database is unreachable: a finished run must not stay "running". */
  private async settle(id: string, outcome: CaptureOutcome): Promise<void> {
    const state = finalState(outcome, this.stopping);
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.runs.update({ id }, { ...state, finishedAt: new Date() });
        // Watchers learn of the end now rather than at their next poll; if this fails, the poll still tells them.
        await this.logs.announce(id).catch(() => undefined);
        break;
      } catch (error) {
        this.logger.warn(`run ${id}: could not store its final status, retrying: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    this.settled.delete(id);
  }
}
