/**
 * The built server (dist/apps/api/main.js, what `npm start` runs) as a child process, for the faults that need
 * a real process to kill or signal. Builds it first when the build is missing or older than the sources (under a
 * lock, since test files run in parallel); `npm test` has built it already.
 */
import { freePort } from '../../src/database/embedded-postgres';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../test-app';

export const MAIN_JS = path.join(REPO_ROOT, 'dist/apps/api/main.js');
const SOURCES = ['apps/api/src', 'libs/shared/contracts/src', 'migrations'].map((d) => path.join(REPO_ROOT, d));

function newestSourceMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isBuilt(): boolean {
  if (!fs.existsSync(MAIN_JS)) return false;
  const built = fs.statSync(path.join(REPO_ROOT, 'dist/apps/api/apps/api/src/main.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built >= Math.max(...SOURCES.map(newestSourceMtime));
}

export async function ensureBuilt(): Promise<void> {
  const lock = path.join(REPO_ROOT, 'tmp/build-api.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 120_000; ; ) {
    if (isBuilt()) return;
    try {
      fs.mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}; remove it if no build runs`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (!isBuilt()) execFileSync(process.execPath, ['tools/build-api.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
    } finally {
      fs.rmdirSync(lock);
    }
  }
}


export interface BuiltServer {
  process: ChildProcess;
  baseUrl: string;
  /** Everything the server printed (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  request<T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Starts the built server; resolves once it answers /api/health (or rejects with what it printed). */
export async function startBuiltServer(env: Record<string, string>, port?: number): Promise<BuiltServer> {
  const chosenPort = port ?? (await freePort());
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete childEnv['PYTHONUNBUFFERED'];
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: REPO_ROOT,
    env: { ...childEnv, HOST: '127.0.0.1', PORT: String(chosenPort), WEB_ROOT: path.join(REPO_ROOT, 'tmp/no-web-root'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${chosenPort}`;
  let done = false;
  void exited.then(() => (done = true));
  const server: BuiltServer = {
    process: child,
    baseUrl,
    output: () => output,
    exited,
    async request(method, url, body) {
      const res = await fetch(baseUrl + url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any };
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (done) throw new Error(`the server exited before it was ready:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).status === 200) return server;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a process exists and is not a zombie (an orphan's zombie may wait for a reaper that never comes). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of the processes in a process group. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** `line 000000\n`, `line 000001\n`, ...: what the test children print, so a prefix with a duplicate or gap shows. */
export function expectedLines(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `line ${String(i).padStart(6, '0')}\n`;
  return text;
}

/** Checks that `text` is a prefix of the numbered-line sequence and says how many whole lines it has. */
export function checkNumberedPrefix(text: string): number {
  const lines = Math.floor(text.length / 12);
  const expected = expectedLines(lines + 1);
  if (!expected.startsWith(text)) {
    const at = [...text].findIndex((c, i) => c !== expected[i]);
    throw new Error(`the log is not a prefix of the printed sequence: first difference at byte ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 30), at + 30))}`);
  }
  return lines;
}

export { freePort };
