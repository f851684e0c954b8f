/** LogCaptureService against a fake process (the launcher seam) and an in-memory store. */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../config/app-config';
import { LogCaptureService } from './log-capture.service';
import type { LaunchedProcess, ProcessLauncher } from './process-launcher';
import type { TrainingLogStore } from './training-log.store';

class FakeProcess extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  constructor(public pid?: number) {
    super();
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    this.emit('exit', code, signal);
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

function setup() {
  const chunks: [number, Buffer][] = [];
  const store = { append: async (_id: string, offset: number, data: Buffer) => void chunks.push([offset, Buffer.from(data)]) };
  const signals: [number, string][] = [];
  let child!: FakeProcess;
  const launcher = {
    launch: () => (child = new FakeProcess(4242)) as unknown as LaunchedProcess,
    signalGroup: (pid: number, signal: string) => (signals.push([pid, signal]), true),
    environmentContains: () => false,
  };
  const config = { ...loadConfig({}), runCancelGraceMs: 20, logFlushQuietMs: 1 };
  const service = new LogCaptureService(config, launcher as unknown as ProcessLauncher, store as unknown as TrainingLogStore);
  const log = () => Buffer.concat(chunks.sort((a, b) => a[0] - b[0]).map(([, d]) => d)).toString();
  return { service, chunks, signals, child: () => child, log };
}

describe('LogCaptureService', () => {
  const spec = { command: ['train'], cwd: process.cwd(), env: {} };

  it('stores stdout and stderr as they arrive and reports the exit once everything is stored', async () => {
    const { service, child, log } = setup();
    const handle = service.start('run-1', spec);
    child().emit('spawn');
    expect(await handle.started).toEqual({ pid: 4242 });
    child().stdout.write('epoch 1\r');
    child().stderr.write('warning\n');
    child().stdout.write('epoch 2\n');
    child().exit(0);
    expect(await handle.finished).toMatchObject({ kind: 'exited', code: 0, canceled: false });
    expect(log()).toBe('epoch 1\rwarning\nepoch 2\n');
    expect(service.isActive('run-1')).toBe(false);
  });

  it('signals the process group on cancel: SIGTERM, then SIGKILL after the grace period', async () => {
    const { service, child, signals } = setup();
    const handle = service.start('run-2', spec);
    child().emit('spawn');
    await handle.started;
    const stopping = service.cancel('run-2');
    expect(signals).toEqual([[4242, 'SIGTERM']]);
    await new Promise((r) => setTimeout(r, 40));
    expect(signals).toEqual([[4242, 'SIGTERM'], [4242, 'SIGKILL']]);
    child().exit(null, 'SIGKILL');
    expect(await stopping).toMatchObject({ kind: 'exited', signal: 'SIGKILL', canceled: true });
    expect(service.cancel('run-2')).toBeUndefined();
  });

  it('turns a start failure into a failed outcome and a line in the log', async () => {
    const { service, child, log } = setup();
    const handle = service.start('run-3', spec);
    const fake = child();
    fake.pid = undefined;
    fake.emit('error', Object.assign(new Error('spawn train ENOENT'), { code: 'ENOENT' }));
    expect(await handle.started).toEqual({ error: 'spawn train ENOENT' });
    expect(await handle.finished).toEqual({ kind: 'spawn-failed', reason: 'spawn train ENOENT' });
    expect(log()).toContain('failed to start: spawn train ENOENT');
  });
});
