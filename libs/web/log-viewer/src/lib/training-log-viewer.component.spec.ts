import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { EndEventData, LogEventData, LogSlice, StatusEventData } from '@ml-portal/contracts';
import type { Terminal } from '@xterm/xterm';
import { EVENT_SOURCE_FACTORY } from './log-stream-client';
import { LOG_VIEWER_OPTIONS } from './log-viewer-options';
import { TrainingLogViewerComponent } from './training-log-viewer.component';

/** Stands in for the browser's EventSource: records listeners and lets the test play the server. */
class FakeEventSource {
  readonly listeners = new Map<string, Set<EventListener>>();
  closed = false;

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: EventListener): void {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: string, listener: EventListener): void {
    this.listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.closed = true;
  }

  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  emit(type: string, data: unknown, lastEventId = ''): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId });
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      listener(event);
    }
  }

  log(offset: number, text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const payload: LogEventData = { offset, data: toBase64(bytes) };
    this.emit('log', payload, String(offset + bytes.length));
  }

  status(status: StatusEventData): void {
    this.emit('status', status);
  }

  end(end: EndEventData): void {
    this.emit('end', end);
  }

  fail(): void {
    for (const listener of [...(this.listeners.get('error') ?? [])]) {
      listener(new Event('error'));
    }
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function slice(text: string, init: Partial<LogSlice> = {}): LogSlice {
  const bytes = new TextEncoder().encode(text);
  const offset = init.offset ?? 0;
  return {
    runId: 'run-1',
    runStatus: 'running',
    offset,
    nextOffset: offset + bytes.length,
    size: offset + bytes.length,
    complete: false,
    data: toBase64(bytes),
    ...init,
  };
}

function screenText(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    const text = line?.translateToString(true) ?? '';
    if (line?.isWrapped && lines.length > 0) {
      lines[lines.length - 1] += text; // a long line the terminal wrapped is still one line of the log
    } else {
      lines.push(text);
    }
  }
  return lines.join('\n').replace(/\n+$/, '');
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

@Component({
  imports: [TrainingLogViewerComponent],
  template: `@if (shown()) {
    <ml-training-log-viewer [runId]="runId()" />
  }`,
})
class HostComponent {
  readonly shown = signal(true);
  readonly runId = signal('run-1');
}

describe('TrainingLogViewerComponent', () => {
  let fixture: ComponentFixture<HostComponent>;
  let http: HttpTestingController;
  let sources: FakeEventSource[];

  beforeEach(() => {
    sources = [];
    TestBed.configureTestingModule({
      imports: [HostComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: EVENT_SOURCE_FACTORY,
          useValue: (url: string) => {
            const source = new FakeEventSource(url);
            sources.push(source);
            return source as unknown as EventSource;
          },
        },
        {
          provide: LOG_VIEWER_OPTIONS,
          useValue: { reconnectDelayMs: 5, maxReconnectDelayMs: 20, maxReconnectAttempts: 2 },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(HostComponent);
  });

  afterEach(() => {
    fixture.destroy();
  });

  function viewer(): TrainingLogViewerComponent {
    const component = fixture.debugElement.children[0]?.componentInstance as TrainingLogViewerComponent | undefined;
    if (!component) {
      throw new Error('viewer not rendered');
    }
    return component;
  }

  function terminal(): Terminal {
    const t = viewer().terminal;
    if (!t) {
      throw new Error('no terminal');
    }
    return t;
  }

  function query(testId: string): HTMLElement | null {
    return (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`);
  }

  function toggle(): HTMLInputElement {
    return query('autoscroll-toggle') as HTMLInputElement;
  }

  async function render(): Promise<void> {
    await fixture.whenStable();
    fixture.detectChanges();
  }

  function answerHistory(body: LogSlice, runId = 'run-1'): void {
    const request = http.expectOne((r) => r.url === `/api/runs/${runId}/logs`);
    expect(request.request.params.get('tail')).toBe(String(2 * 1024 * 1024));
    request.flush(body);
  }

  async function start(history: LogSlice): Promise<FakeEventSource> {
    await render();
    answerHistory(history);
    await render();
    expect(sources).toHaveLength(1);
    return sources[0];
  }

  it('shows a loading state until the history arrives', async () => {
    await render();
    expect(query('log-loading')).not.toBeNull();
    answerHistory(slice(''));
    await render();
    expect(query('log-loading')).toBeNull();
    expect(query('log-viewer')).not.toBeNull();
  });

  it('writes the history, then the stream from the history\'s end, in order', async () => {
    const source = await start(slice('epoch 1\nepoch 2\n'));
    expect(source.url).toBe('/api/runs/run-1/logs/stream?offset=16');
    source.status({ status: 'running', exitCode: null, failureReason: null });
    source.log(16, 'epoch 3\n');
    source.log(24, 'epoch 4\n');
    await waitFor(() => screenText(terminal()).includes('epoch 4'), 'streamed output');
    expect(screenText(terminal())).toBe('epoch 1\nepoch 2\nepoch 3\nepoch 4');
  });

  it('decodes a UTF-8 character split between two events', async () => {
    const source = await start(slice(''));
    const bytes = new TextEncoder().encode('loss → 0.5 ✓\n');
    source.log(0, bytes.subarray(0, 6)); // "loss " + the first byte of "→"
    source.log(6, bytes.subarray(6, 16)); // ...through the middle of "✓"
    source.log(16, bytes.subarray(16));
    await waitFor(() => screenText(terminal()).includes('0.5'), 'decoded text');
    await waitFor(() => screenText(terminal()) === 'loss → 0.5 ✓', 'the whole line');
  });

  it('skips bytes it already has when the stream overlaps', async () => {
    const source = await start(slice('abc\n'));
    source.log(0, 'abc\ndef\n'); // starts before our offset
    source.log(4, 'def\n'); // entirely old
    source.log(8, 'ghi\n');
    await waitFor(() => screenText(terminal()).includes('ghi'), 'new bytes');
    expect(screenText(terminal())).toBe('abc\ndef\nghi');
  });

  it('says how much earlier output is not shown when the history is a tail', async () => {
    await start(slice('the last line\n', { offset: 3 * 1024 * 1024 }));
    await waitFor(() => screenText(terminal()).includes('the last line'), 'history');
    const [notice, rest] = screenText(terminal()).split('\n');
    expect(notice).toContain('3.0 MiB');
    expect(notice).toContain('/api/runs/run-1/logs/raw');
    expect(rest).toBe('the last line');
    expect(sources[0].url).toBe(`/api/runs/run-1/logs/stream?offset=${3 * 1024 * 1024 + 14}`);
  });

  it('reconnects after an error at the last offset it received, without duplicates or gaps', async () => {
    const first = await start(slice('one\n'));
    first.log(4, 'two\n');
    first.fail();
    expect(first.closed).toBe(true);
    expect(first.listenerCount).toBe(0);
    await waitFor(() => sources.length === 2, 'a new stream');
    const second = sources[1];
    expect(second.url).toBe('/api/runs/run-1/logs/stream?offset=8');
    second.log(8, 'three\n');
    await waitFor(() => screenText(terminal()).includes('three'), 'resumed output');
    expect(screenText(terminal())).toBe('one\ntwo\nthree');
  });

  it('backs off, then shows an error with a retry when the stream keeps failing', async () => {
    const first = await start(slice('one\n'));
    first.fail();
    await waitFor(() => sources.length === 2, 'first reconnect');
    await render();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('reconnecting');
    sources[1].fail();
    await waitFor(() => sources.length === 3, 'second reconnect');
    sources[2].fail();
    await render();
    expect(query('log-error')?.textContent).toContain('keeps failing');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sources).toHaveLength(3); // gave up: no more attempts

    query('log-retry')?.click();
    await render();
    expect(sources).toHaveLength(4);
    expect(sources[3].url).toBe('/api/runs/run-1/logs/stream?offset=4');
    expect(query('log-error')).toBeNull();
    sources[3].log(4, 'two\n');
    await waitFor(() => screenText(terminal()) === 'one\ntwo', 'output after retry');
  });

  it('shows Live while the run is active and Completed with the exit code at the end, then stops', async () => {
    const source = await start(slice('', { runStatus: 'queued' }));
    expect(query('run-live')).not.toBeNull();
    source.status({ status: 'running', exitCode: null, failureReason: null });
    await render();
    expect(query('run-live')).not.toBeNull();
    expect(query('run-completed')).toBeNull();

    source.status({ status: 'failed', exitCode: 3, failureReason: 'exited with code 3' });
    source.end({ status: 'failed', exitCode: 3, size: 0 });
    await render();
    expect(query('run-live')).toBeNull();
    const completed = query('run-completed');
    expect(completed?.textContent).toContain('Completed');
    expect(completed?.textContent).toContain('exit code 3');
    expect(completed?.classList).toContain('failure');
    expect(source.closed).toBe(true);

    source.fail(); // the server closing the connection after `end` is no reason to reconnect
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sources).toHaveLength(1);
  });

  it('colours a successful run as a success', async () => {
    const source = await start(slice('done\n', { runStatus: 'succeeded', complete: true }));
    source.status({ status: 'succeeded', exitCode: 0, failureReason: null });
    source.end({ status: 'succeeded', exitCode: 0, size: 5 });
    // Completed appears once the terminal has caught up with the log, together with its last line.
    await waitFor(() => {
      fixture.detectChanges();
      return query('run-completed') !== null;
    }, 'Completed');
    expect(screenText(terminal())).toBe('done');
    expect(query('run-completed')?.classList).toContain('success');
    expect(query('run-completed')?.textContent).toContain('exit code 0');
  });

  it('shows a clear error for a missing run, and retries the history', async () => {
    await render();
    http
      .expectOne('/api/runs/run-1/logs?tail=2097152')
      .flush({ statusCode: 404, error: 'Not Found', message: 'run not found' }, { status: 404, statusText: 'Not Found' });
    await render();
    expect(query('log-error')?.textContent).toContain('was not found');
    expect(sources).toHaveLength(0);

    query('log-retry')?.click();
    await render();
    expect(query('log-loading')).not.toBeNull();
    answerHistory(slice('found now\n'));
    await render();
    expect(query('log-error')).toBeNull();
    await waitFor(() => screenText(terminal()) === 'found now', 'history after retry');
  });

  it('says when the server cannot be reached', async () => {
    await render();
    http.expectOne('/api/runs/run-1/logs?tail=2097152').error(new ProgressEvent('error'), { status: 0 });
    await render();
    expect(query('log-error')?.textContent).toContain('cannot be reached');
  });

  it('follows output; scrolling up turns following off, reaching the bottom turns it on', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const source = await start(slice(lines));
    await waitFor(() => screenText(terminal()).includes('line 199'), 'history');
    const buffer = (): { viewportY: number; baseY: number } => terminal().buffer.active;
    expect(toggle().checked).toBe(true);
    expect(buffer().viewportY).toBe(buffer().baseY);

    terminal().scrollLines(-20);
    await render();
    expect(toggle().checked).toBe(false);
    const held = buffer().viewportY;
    source.log(lines.length, 'more 1\nmore 2\nmore 3\n');
    await waitFor(() => screenText(terminal()).includes('more 3'), 'more output');
    expect(buffer().viewportY).toBe(held);

    terminal().scrollToBottom();
    await render();
    expect(toggle().checked).toBe(true);
  });

  it('offers a jump to the bottom while not following', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
    await start(slice(lines));
    await waitFor(() => screenText(terminal()).includes('line 199'), 'history');
    expect(query('jump-to-bottom')).toBeNull();
    terminal().scrollLines(-50);
    await render();
    query('jump-to-bottom')?.click();
    await render();
    expect(toggle().checked).toBe(true);
    expect(terminal().buffer.active.viewportY).toBe(terminal().buffer.active.baseY);
    expect(query('jump-to-bottom')).toBeNull();
  });

  it('stays where the user is when the toggle is turned off at the bottom, and jumps back when on', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const source = await start(slice(lines));
    await waitFor(() => screenText(terminal()).includes('line 99'), 'history');
    const top = terminal().buffer.active.viewportY;

    toggle().click();
    await render();
    expect(toggle().checked).toBe(false);
    source.log(lines.length, Array.from({ length: 50 }, (_, i) => `new ${i}`).join('\n') + '\n');
    await waitFor(() => screenText(terminal()).includes('new 49'), 'new output');
    await render();
    expect(terminal().buffer.active.viewportY).toBe(top);
    expect(toggle().checked).toBe(false);

    toggle().click();
    await render();
    expect(toggle().checked).toBe(true);
    expect(terminal().buffer.active.viewportY).toBe(terminal().buffer.active.baseY);
  });

  it('disposes the terminal, the stream and every listener on destroy', async () => {
    const removed: string[] = [];
    const added: string[] = [];
    const realMatchMedia = window.matchMedia;
    window.matchMedia = (query: string) =>
      ({
        ...realMatchMedia(query),
        addEventListener: (type: string) => added.push(type),
        removeEventListener: (type: string) => removed.push(type),
      }) as unknown as MediaQueryList;
    const disconnect = jest.spyOn(ResizeObserver.prototype, 'disconnect');
    try {
      const source = await start(slice('hello\n'));
      const t = terminal();
      const dispose = jest.spyOn(t, 'dispose');
      const host = query('log-viewer') as HTMLElement;
      expect(host.querySelector('.xterm')).not.toBeNull();

      fixture.componentInstance.shown.set(false);
      await render();

      expect(dispose).toHaveBeenCalled();
      expect(host.querySelector('.xterm')).toBeNull();
      expect(source.closed).toBe(true);
      expect(source.listenerCount).toBe(0);
      expect(disconnect).toHaveBeenCalled();
      expect(removed).toEqual(added);
      expect(added).toEqual(['change']);
    } finally {
      window.matchMedia = realMatchMedia;
      disconnect.mockRestore();
    }
  });

  it('cancels a pending history request and pending reconnects on destroy', async () => {
    await render();
    const request = http.expectOne('/api/runs/run-1/logs?tail=2097152');
    fixture.componentInstance.shown.set(false);
    await render();
    expect(request.cancelled).toBe(true);

    fixture.componentInstance.shown.set(true);
    await render();
    answerHistory(slice('x\n'));
    await render();
    sources[0].fail();
    fixture.componentInstance.shown.set(false);
    await render();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sources).toHaveLength(1);
  });

  it('starts clean from the history when created again', async () => {
    const first = await start(slice('first life\n'));
    fixture.componentInstance.shown.set(false);
    await render();
    expect(first.closed).toBe(true);

    fixture.componentInstance.shown.set(true);
    await render();
    answerHistory(slice('first life\nsecond part\n'));
    await render();
    expect(sources).toHaveLength(2);
    expect(sources[1].url).toBe('/api/runs/run-1/logs/stream?offset=23');
    await waitFor(() => screenText(terminal()).includes('second part'), 'history');
    expect(screenText(terminal())).toBe('first life\nsecond part');
  });

  it('switches to another run when runId changes', async () => {
    const first = await start(slice('run one\n'));
    fixture.componentInstance.runId.set('run-2');
    await render();
    expect(first.closed).toBe(true);
    answerHistory(slice('run two\n', { runId: 'run-2' }), 'run-2');
    await render();
    expect(sources[1].url).toBe('/api/runs/run-2/logs/stream?offset=8');
    await waitFor(() => screenText(terminal()) === 'run two', 'the other run');
  });
});
