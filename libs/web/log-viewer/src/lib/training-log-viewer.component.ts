/**
 * A run's log in a real terminal (xterm.js): the history, then the live stream, with Live/Completed indicators,
 * an auto-scroll toggle and loading/error states. xterm.js and everything that feeds it run outside Angular's zone
 * (its timers and animation frames must not trigger change detection); the component keeps every disposable,
 * listener, observer, timer and EventSource it creates and releases them all in ngOnDestroy.
 */
import {
  AfterViewInit,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  NgZone,
  OnDestroy,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import {
  isFinishedStatus,
  type EndEventData,
  type LogSlice,
  type RunStatus,
  type StatusEventData,
} from '@ml-portal/contracts';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { LogFeed, type LogFeedState } from './log-feed';
import { LogStreamClient } from './log-stream-client';
import { DEFAULT_LOG_VIEWER_OPTIONS, LOG_VIEWER_OPTIONS, type LogViewerOptions } from './log-viewer-options';
import { PacedTerminalWriter } from './paced-terminal-writer';
import { DARK_SCHEME_QUERY, terminalTheme } from './terminal-theme';

type Phase = 'loading' | 'ready' | 'error';

@Component({
  selector: 'ml-training-log-viewer',
  templateUrl: './training-log-viewer.component.html',
  styleUrl: './training-log-viewer.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TrainingLogViewerComponent implements AfterViewInit, OnDestroy {
  readonly runId = input.required<string>();
  readonly apiBase = input('/api');

  /** Every `status` event of the stream (the run changed state). */
  readonly statusChange = output<StatusEventData>();
  /** The run finished and the whole log has been received. */
  readonly completed = output<EndEventData>();

  private readonly zone = inject(NgZone);
  private readonly client = inject(LogStreamClient);
  private readonly options: LogViewerOptions = { ...DEFAULT_LOG_VIEWER_OPTIONS, ...inject(LOG_VIEWER_OPTIONS) };
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('terminalHost');

  protected readonly phase = signal<Phase>('loading');
  protected readonly errorMessage = signal<string | null>(null);
  protected readonly reconnecting = signal(false);
  protected readonly status = signal<RunStatus | null>(null);
  protected readonly ending = signal<EndEventData | null>(null);
  protected readonly follow = signal(true);
  protected readonly live = computed(() => {
    const status = this.status();
    return this.ending() === null && status !== null && !isFinishedStatus(status);
  });

  private terminalInstance: Terminal | null = null;
  private writer: PacedTerminalWriter | null = null;
  private feed: LogFeed | null = null;
  /** Undo actions for everything created by the current session, run in reverse on teardown. */
  private teardowns: Array<() => void> = [];
  private session: { runId: string; apiBase: string } | null = null;
  private viewReady = false;
  /**
   * Set when the user turns following off while at the bottom: xterm would otherwise keep following (it only
   * stays put once the viewport is above the bottom), so the next batch is followed by a jump back to this line.
   */
  private heldLine: number | null = null;

  constructor() {
    effect(() => {
      this.runId();
      this.apiBase();
      untracked(() => this.sync());
    });
  }

  /** The xterm.js terminal of the current run (for hosts adding addons, and for tests). */
  get terminal(): Terminal | null {
    return this.terminalInstance;
  }

  ngAfterViewInit(): void {
    this.viewReady = true;
    this.sync();
  }

  ngOnDestroy(): void {
    this.teardown();
  }

  protected retry(): void {
    this.errorMessage.set(null);
    this.phase.set(this.feed && this.feed.offset > 0 ? 'ready' : 'loading');
    this.zone.runOutsideAngular(() => this.feed?.retry());
  }

  protected setFollow(on: boolean): void {
    const terminal = this.terminalInstance;
    this.follow.set(on);
    if (!terminal) {
      return;
    }
    if (on) {
      this.heldLine = null;
      terminal.scrollToBottom();
    } else {
      const buffer = terminal.buffer.active;
      this.heldLine = buffer.viewportY >= buffer.baseY ? buffer.viewportY : null;
    }
  }

  protected outcome(end: EndEventData): 'success' | 'failure' | 'canceled' {
    return end.status === 'succeeded' ? 'success' : end.status === 'canceled' ? 'canceled' : 'failure';
  }

  /** Starts (or restarts) the session when the view exists and the run or API base changed. */
  private sync(): void {
    if (!this.viewReady) {
      return;
    }
    const runId = this.runId();
    const apiBase = this.apiBase();
    if (this.session?.runId === runId && this.session.apiBase === apiBase) {
      return;
    }
    this.teardown();
    this.session = { runId, apiBase };
    this.phase.set('loading');
    this.errorMessage.set(null);
    this.reconnecting.set(false);
    this.status.set(null);
    this.ending.set(null);
    this.follow.set(true);
    this.heldLine = null;
    this.zone.runOutsideAngular(() => this.start(runId, apiBase));
  }

  private start(runId: string, apiBase: string): void {
    const hostElement = this.host().nativeElement;
    const terminal = new Terminal({
      convertEol: true, // processes write bare "\n"; without a pty nothing turns it into "\r\n"
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      scrollback: this.options.scrollback,
      fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      lineHeight: 1.15,
      allowProposedApi: false,
      theme: terminalTheme(window.matchMedia(DARK_SCHEME_QUERY).matches),
      linkHandler: {
        // OSC 8 links in the log; only this server's own paths open, so a log cannot send the user elsewhere.
        activate: (_event, uri) => {
          if (uri.startsWith('/') && !uri.startsWith('//')) {
            window.open(uri, '_blank', 'noopener');
          }
        },
      },
    });
    this.terminalInstance = terminal;
    this.track(() => {
      terminal.dispose();
      this.terminalInstance = null;
    });

    const fit = new FitAddon();
    terminal.loadAddon(fit); // disposed with the terminal
    terminal.open(hostElement);
    this.watchSize(hostElement, fit);
    this.watchColorScheme(terminal);
    this.watchScrolling(terminal);

    const writer = new PacedTerminalWriter(terminal, () => this.afterBatch(terminal));
    this.writer = writer;
    this.track(() => {
      writer.dispose();
      this.writer = null;
    });

    const feed = new LogFeed(this.client, apiBase, runId, this.options, {
      history: (slice) => this.onHistory(slice, apiBase, runId),
      bytes: (bytes) => writer.write(bytes),
      status: (status) => {
        this.status.set(status.status);
        this.statusChange.emit(status);
      },
      // Completed is shown once the terminal has caught up, so that it appears with the last lines on screen.
      end: (end) =>
        writer.whenIdle(() => {
          this.status.set(end.status);
          this.ending.set(end);
          this.completed.emit(end);
        }),
      state: (state) => this.onFeedState(state),
    });
    this.feed = feed;
    this.track(() => {
      feed.dispose();
      this.feed = null;
    });
    feed.start();
  }

  private onHistory(slice: LogSlice, apiBase: string, runId: string): void {
    this.status.set(slice.runStatus);
    this.phase.set('ready');
    if (slice.offset > 0 && this.writer) {
      const url = this.client.rawLogUrl(apiBase, runId);
      const notice =
        `\x1b[2m… ${formatBytes(slice.offset)} (${slice.offset} bytes) of earlier output not shown;` +
        ` the whole log: \x1b]8;;${url}\x07${url}\x1b]8;;\x07\x1b[0m\n`;
      this.writer.write(new TextEncoder().encode(notice));
    }
  }

  private onFeedState(state: LogFeedState): void {
    this.reconnecting.set(state.kind === 'reconnecting');
    switch (state.kind) {
      case 'loading':
        this.phase.set('loading');
        break;
      case 'error':
        this.phase.set('error');
        this.errorMessage.set(state.message);
        break;
      default:
        if (this.phase() !== 'ready') {
          this.phase.set('ready');
        }
    }
  }

  private afterBatch(terminal: Terminal): void {
    const buffer = terminal.buffer.active;
    if (this.follow()) {
      if (buffer.viewportY !== buffer.baseY) {
        terminal.scrollToBottom(); // xterm follows by itself at the bottom; scrolling costs a layout
      }
    } else if (this.heldLine !== null) {
      const line = this.heldLine;
      this.heldLine = null;
      if (buffer.viewportY !== line) {
        terminal.scrollToLine(line); // from here on xterm keeps the position by itself
      }
    }
  }

  /**
   * Scrolling up by hand turns following off; reaching the bottom turns it on. While following, output never
   * moves the viewport off the bottom, so leaving the bottom can only be the user's doing.
   */
  private watchScrolling(terminal: Terminal): void {
    const subscription = terminal.onScroll(() => {
      const buffer = terminal.buffer.active;
      const atBottom = buffer.viewportY >= buffer.baseY;
      if (!atBottom && this.follow()) {
        this.follow.set(false);
        this.heldLine = null;
      } else if (atBottom && !this.follow() && this.heldLine === null) {
        this.follow.set(true);
      }
    });
    this.track(() => subscription.dispose());
  }

  private watchSize(element: HTMLElement, fit: FitAddon): void {
    let frame: number | null = null;
    const refit = (): void => {
      frame = null;
      try {
        fit.fit();
      } catch {
        // not laid out yet (hidden, or no renderer measurements): the next resize fits it
      }
      if (this.follow()) {
        this.terminalInstance?.scrollToBottom();
      }
    };
    const observer = new ResizeObserver(() => {
      if (frame === null) {
        frame = requestAnimationFrame(refit);
      }
    });
    observer.observe(element);
    refit();
    this.track(() => {
      observer.disconnect();
      if (frame !== null) {
        cancelAnimationFrame(frame);
      }
    });
  }

  private watchColorScheme(terminal: Terminal): void {
    const query = window.matchMedia(DARK_SCHEME_QUERY);
    const onChange = (event: MediaQueryListEvent): void => {
      terminal.options.theme = terminalTheme(event.matches);
    };
    query.addEventListener('change', onChange);
    this.track(() => query.removeEventListener('change', onChange));
  }

  private track(teardown: () => void): void {
    this.teardowns.push(teardown);
  }

  private teardown(): void {
    const teardowns = this.teardowns.reverse();
    this.teardowns = [];
    for (const undo of teardowns) {
      undo();
    }
    this.session = null;
  }
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
