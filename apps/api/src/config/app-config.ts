/**
 * The server's configuration, read from the environment once at start-up and validated, so that a typo in a
 * variable stops the server with a message instead of surfacing later as odd behaviour. Services get it injected
 * (APP_CONFIG) and never read process.env.
 */
import * as path from 'node:path';

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface AppConfig {
  port: number;
  host: string;
  /** Unset: an embedded PostgreSQL in dataDir is started by main.ts and its URL put here. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** How often a watched run is polled for new bytes and status. */
  logPollIntervalMs: number;
  /** Longest time captured bytes wait before they are written. */
  logFlushIntervalMs: number;
  /** Pending bytes that trigger a write at once. */
  logFlushBytes: number;
  /** Quiet time after which pending output is written without waiting for the interval (a line has ended). */
  logFlushQuietMs: number;
  /** Per-run log cap; output past it is dropped and counted. */
  logMaxBytes: number;
  /** Time between SIGTERM and SIGKILL when a run is canceled. */
  runCancelGraceMs: number;
  /** Interval of `event: ping` on an otherwise quiet stream. */
  sseKeepAliveMs: number;
  /** Working directory of runs that do not name one. */
  defaultRunCwd: string;
  /** Directory holding the built web UI (index.html); served at / when it exists. */
  webRoot: string;
  /** When set, every /api route but /api/health and /api/auth/session needs it (Bearer header or session cookie). */
  apiToken: string | undefined;
  /** Lets the server listen on a non-loopback HOST without API_TOKEN (a trusted network). */
  allowUnauthenticated: boolean;
  /** Origins allowed by CORS; empty means no CORS headers at all (same origin only). */
  corsOrigins: string[];
  /** Wrong tokens or cookies one address may present within authFailureWindowMs before it gets 429s. */
  authMaxFailures: number;
  authFailureWindowMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Loopback addresses: a server bound to one is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export const MIN_API_TOKEN_LENGTH = 16;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const config = loadValues(env, cwd);
  if (config.apiToken !== undefined && config.apiToken.length < MIN_API_TOKEN_LENGTH) {
    throw new ConfigError(`API_TOKEN must be at least ${MIN_API_TOKEN_LENGTH} characters (e.g. API_TOKEN=$(openssl rand -hex 32))`);
  }
  if (!isLoopbackHost(config.host) && config.apiToken === undefined && !config.allowUnauthenticated) {
    throw new ConfigError(
      `HOST=${config.host} makes the API reachable from other machines, and anyone who reaches it can run commands. ` +
        'Set a token, e.g. API_TOKEN=$(openssl rand -hex 32), and give it to the clients (Authorization: Bearer <token>, ' +
        'or the sign-in form of the web UI); or set ALLOW_UNAUTHENTICATED=true on a network you trust; or use HOST=127.0.0.1.',
    );
  }
  return config;
}

function loadValues(env: Env, cwd: string): AppConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: path.resolve(cwd, env['DATA_DIR'] || '.data'),
    logPollIntervalMs: integer(env, 'LOG_POLL_INTERVAL_MS', 200, 10, 60_000),
    logFlushIntervalMs: integer(env, 'LOG_FLUSH_INTERVAL_MS', 200, 1, 60_000),
    logFlushBytes: integer(env, 'LOG_FLUSH_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logFlushQuietMs: integer(env, 'LOG_FLUSH_QUIET_MS', 1, 0, 60_000),
    logMaxBytes: integer(env, 'LOG_MAX_BYTES', 1024 * 1024 * 1024, 1),
    runCancelGraceMs: integer(env, 'RUN_CANCEL_GRACE_MS', 10_000, 0, 3_600_000),
    sseKeepAliveMs: integer(env, 'SSE_KEEPALIVE_MS', 15_000, 100, 15_000),
    defaultRunCwd: path.resolve(cwd, env['RUN_DEFAULT_CWD'] || '.'),
    webRoot: path.resolve(cwd, env['WEB_ROOT'] || 'dist/apps/web/browser'),
    apiToken: env['API_TOKEN'] || undefined,
    allowUnauthenticated: boolean(env, 'ALLOW_UNAUTHENTICATED'),
    corsOrigins: (env['CORS_ORIGINS'] ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    authMaxFailures: integer(env, 'AUTH_MAX_FAILURES', 10, 1, 1_000_000),
    authFailureWindowMs: integer(env, 'AUTH_FAILURE_WINDOW_MS', 60_000, 100, 86_400_000),
  };
}
