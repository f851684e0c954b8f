// The API under test, in its own process (so that its CPU and memory are measured apart from the clients): the
// real createApp from the build, driven over IPC by the bench (stats, RSS sampling, capture outcomes, close).
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const src = path.resolve(import.meta.dirname, '../../../dist/apps/api/apps/api/src');
const { createApp } = require(`${src}/create-app.js`);
const { loadConfig } = require(`${src}/config/app-config.js`);
const { LogCaptureService } = require(`${src}/logs/log-capture.service.js`);
const { LogStreamService } = require(`${src}/logs/log-stream.service.js`);
const { TrainingLogStore } = require(`${src}/logs/training-log.store.js`);

let app;
const outcomes = {};
const storeCalls = {};
let sampler;
let rss = { first: 0, max: 0, last: 0 };

function gc() {
  if (globalThis.gc) for (let i = 0; i < 3; i++) globalThis.gc();
}

const handlers = {
  async start({ env, databaseUrl, webRoot }) {
    const config = { ...loadConfig(env, path.resolve(src, '../../../../..')), port: 0, host: '127.0.0.1', databaseUrl };
    if (webRoot) config.webRoot = webRoot;
    app = await createApp(config, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    // Records each capture's outcome (with the writer's peak pending bytes) and its duration.
    const capture = app.get(LogCaptureService);
    const start = capture.start.bind(capture);
    capture.start = (runId, spec, offset) => {
      const handle = start(runId, spec, offset);
      const t0 = performance.now();
      handle.finished.then((outcome) => (outcomes[runId] = { ...outcome, ms: performance.now() - t0 }));
      return handle;
    };
    // Counts the store's calls by kind and by caller (the shared tail's poll or a client's own reads).
    const store = app.get(TrainingLogStore);
    for (const method of ['state', 'read', 'append']) {
      const original = store[method].bind(store);
      store[method] = (...args) => {
        const caller = /at (?:async )?(?:LogStreamService\.|Object\.)?(poll|deliver|slice|raw|readPages)/.exec(new Error().stack)?.[1] ?? 'other';
        storeCalls[`${method}:${caller}`] = (storeCalls[`${method}:${caller}`] ?? 0) + 1;
        return original(...args);
      };
    }
    return { port: app.getHttpServer().address().port };
  },
  stats({ collect }) {
    if (collect) gc();
    const streams = app.get(LogStreamService).stats();
    let polls = 0;
    for (const n of streams.polls.values()) polls += n;
    return { memory: process.memoryUsage(), cpu: process.cpuUsage(), streams: streams.streams, pollers: streams.pollers, polls, storeCalls: { ...storeCalls } };
  },
  outcome({ runId }) {
    return outcomes[runId] ?? null;
  },
  rssStart() {
    gc();
    const now = process.memoryUsage().rss;
    rss = { first: now, max: now, last: now };
    sampler = setInterval(() => {
      rss.last = process.memoryUsage().rss;
      rss.max = Math.max(rss.max, rss.last);
    }, 20);
    return rss;
  },
  rssStop() {
    clearInterval(sampler);
    gc();
    rss.last = process.memoryUsage().rss;
    return rss;
  },
  async close() {
    await app?.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: await handlers[cmd](args ?? {}) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
