// What the scenarios share: the built API, a fresh database per scenario, the API in a child process, HTTP and
// SSE clients, and statistics.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as http from 'node:http';
import * as path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
export const dist = (file) => require(path.join(root, 'dist/apps/api/apps/api/src', file));
const { Client } = require('pg');
const { DataSource } = require('typeorm');

export const MB = 1e6;
export const MiB = 1024 * 1024;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.timeOrigin + performance.now();

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
export const median = (values) => percentile(values, 50);

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh database on the server, migrated by the real migrations; `ds` is a TypeORM DataSource on it. */
export async function createBenchDatabase(serverUrl) {
  const name = `mlp_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (fn) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  await admin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    // The scenario before may have left gigabytes of dirty pages (the naive design writes ~30 MB of WAL per
    // append): flush them now, so that a checkpoint does not land in the middle of this scenario's measurements.
    await c.query('CHECKPOINT').catch(() => undefined); // needs superuser (or pg_checkpoint); skipped otherwise
  });
  const url = withDatabase(serverUrl, name);
  const { dataSourceOptions } = dist('database/data-source-options.js');
  const ds = new DataSource({ ...dataSourceOptions(url), extra: { max: 4, application_name: 'ml-portal-bench' } });
  await ds.initialize();
  return {
    name,
    url,
    ds,
    async drop() {
      await ds.destroy().catch(() => undefined);
      await admin(async (c) => {
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

/** An experiment and a run row written directly (no process), for scenarios that fill a log themselves. */
export async function insertRun(ds, status = 'succeeded') {
  const [{ id: experimentId }] = await ds.query(`INSERT INTO experiments (name) VALUES ($1) RETURNING id`, [`bench-${randomBytes(4).toString('hex')}`]);
  const [{ id }] = await ds.query(
    `INSERT INTO runs (experiment_id, name, command, cwd, status, exit_code) VALUES ($1, 'bench', '["bench"]', '/', $2, 0) RETURNING id`,
    [experimentId, status],
  );
  return { experimentId, runId: id };
}

/** The API (the real createApp from the build) in a child process, with its own CPU and memory. */
export async function startServer({ databaseUrl, env = {}, webRoot } = {}) {
  const child = fork(path.join(import.meta.dirname, 'server.mjs'), [], {
    cwd: root,
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PYTHONUNBUFFERED: '' },
  });
  let next = 0;
  const waiting = new Map();
  child.on('message', ({ id, ok, error }) => {
    const w = waiting.get(id);
    waiting.delete(id);
    if (error) w?.reject(new Error(error));
    else w?.resolve(ok);
  });
  child.on('exit', () => waiting.forEach((w) => w.reject(new Error('bench server exited'))));
  const call = (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd, args });
    });
  const { port } = await call('start', { env, databaseUrl, webRoot });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid,
    baseUrl,
    call,
    async request(method, url, body) {
      const res = await fetch(baseUrl + url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await call('close').catch(() => undefined);
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

/** Starts a run through the API (POST) and returns its ids. */
export async function launchRun(server, command, name = 'bench') {
  const experiment = await server.request('POST', '/api/experiments', { name: `${name}-${randomBytes(4).toString('hex')}` });
  const run = await server.request('POST', `/api/experiments/${experiment.id}/runs`, { name, command, cwd: root });
  return { experimentId: experiment.id, runId: run.id };
}

export async function waitForRunEnd(server, runId, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await server.request('GET', `/api/runs/${runId}`);
    if (!['queued', 'running'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}`);
    await sleep(100);
  }
}

/** Transactions committed in a database so far (every statement outside a transaction counts as one). */
export async function commits(ds, name) {
  const [{ n }] = await ds.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1`, [name]);
  return Number(n);
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

/**
 * A light SSE client for many connections: calls onLog(bytes) for each `log` event, onEvent(type) for others.
 * Resolves once the response headers are in.
 */
export function openSse(url, { onLog = () => undefined, onEvent = () => undefined } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${url}: ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (text) => {
        buffer += text;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          if (!type) continue;
          if (type === 'log') {
            const data = /^data: (.*)$/m.exec(block)[1];
            onLog(Buffer.from(JSON.parse(data).data, 'base64'));
          } else onEvent(type);
        }
      });
      res.on('error', () => undefined);
      resolve({ close: () => req.destroy(), closed: new Promise((r) => res.on('close', r)) });
    });
    req.on('error', reject);
  });
}
