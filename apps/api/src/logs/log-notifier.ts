/**
 * Wake-ups for live log readers. Every append announces itself with `pg_notify('ml_portal_log', '<runId>:<size>')`
 * (TrainingLogStore.append); this holds ONE dedicated PostgreSQL connection that LISTENs on that channel and tells
 * the watchers of a run that it grew, so that its shared tail polls now instead of at the next interval.
 *
 * A wake-up only makes a poll come sooner: the interval poll stays the guarantee. A lost notification, or a dropped
 * listener connection, delays bytes by at most one poll interval and loses none. The connection is re-opened with
 * backoff, and every watcher is woken when it drops and when it is back, since notifications sent meanwhile are gone.
 */
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Observable, Subscriber } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export const LOG_CHANNEL = 'ml_portal_log';
/** The listener's application_name in pg_stat_activity (tests and operators find its connection by it). */
export const LOG_LISTENER_APPLICATION_NAME = 'ml-portal-log-listener';

const RECONNECT_INITIAL_MS = 100;
const RECONNECT_MAX_MS = 5000;

@Injectable()
export class LogNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LogNotifier.name);
  private readonly watchers = new Map<string, Set<Subscriber<void>>>();
  private client: Client | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_INITIAL_MS;
  private closed = false;
  private connections = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Whether the LISTEN connection is up now. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** How many times the LISTEN connection was established (1 + reconnects). */
  get connectionCount(): number {
    return this.connections;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.databaseUrl) {
      this.logger.warn('no database URL: log readers fall back to polling only');
      return;
    }
    // The first attempt is awaited so that a server that answers requests is already listening; a failure is
    // retried in the background (the poll covers the gap).
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    for (const set of this.watchers.values()) set.forEach((subscriber) => subscriber.complete());
    this.watchers.clear();
  }

  /** Emits whenever the log of `runId` may have grown. Cheap to subscribe to; one entry per subscriber. */
  wakeups(runId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      let set = this.watchers.get(runId);
      if (!set) this.watchers.set(runId, (set = new Set()));
      set.add(subscriber);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && this.watchers.get(runId) === set) this.watchers.delete(runId);
      };
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: LOG_LISTENER_APPLICATION_NAME });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection closed')));
    try {
      await client.connect();
      await client.query(`LISTEN ${LOG_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn(`could not LISTEN for log appends (retrying in ${this.reconnectDelayMs} ms): ${String(error)}`);
      this.scheduleReconnect();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = RECONNECT_INITIAL_MS;
    if (this.connections++ > 0) {
      this.logger.log('listening for log appends again');
      this.wakeAll();
    }
  }

  private lost(client: Client, error: unknown): void {
    // Errors during connect() are handled there; a second event for the same dead client is ignored.
    if (this.closed || client !== this.client) return;
    this.client = null;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    this.logger.warn(`lost the log listener connection, polling only until it is back: ${String(error)}`);
    this.wakeAll();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private dispatch(payload: string | undefined): void {
    if (!payload) return;
    const colon = payload.indexOf(':');
    const set = this.watchers.get(colon < 0 ? payload : payload.slice(0, colon));
    set?.forEach((subscriber) => subscriber.next());
  }

  private wakeAll(): void {
    for (const set of this.watchers.values()) set.forEach((subscriber) => subscriber.next());
  }
}
