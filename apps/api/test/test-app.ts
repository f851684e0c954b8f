/** The real application on a free port over a clean database, for integration tests over real HTTP. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as path from 'node:path';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { createApp } from '../src/create-app';
import { createTestDatabase, TestDatabase } from './test-database';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  config: AppConfig & { databaseUrl: string };
  db: TestDatabase;
  /** Stops the app (its runs too) and drops the database. */
  close(): Promise<void>;
  /** JSON request helper: returns status and parsed body. */
  request<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function startTestApp(overrides: Partial<AppConfig> = {}, db?: TestDatabase): Promise<TestApp> {
  const database = db ?? (await createTestDatabase());
  const config = {
    ...loadConfig({}, REPO_ROOT),
    port: 0,
    host: '127.0.0.1',
    webRoot: path.join(REPO_ROOT, 'tmp/no-web-root'),
    ...overrides,
    databaseUrl: database.url,
  };
  const app = await createApp(config, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    config,
    db: database,
    async close() {
      await app.close();
      if (!db) await database.drop();
    },
    async request(method, url, body, headers = {}) {
      const res = await fetch(baseUrl + url, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
  };
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
