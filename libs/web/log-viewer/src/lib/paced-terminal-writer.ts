/**
 * Feeds bytes to xterm.js no faster than it parses them. Incoming chunks are queued; at most `windowBytes` are
 * handed to xterm and not yet parsed at any time (xterm's write callback says when a piece is parsed), so a run
 * printing megabytes per second cannot pile up work in the terminal. Each write is at most `pieceBytes`: xterm
 * parses one write call without yielding, but yields to the browser between calls, so small pieces keep frames
 * short while the window keeps throughput up. Small chunks that arrive together are joined into one piece.
 */
import type { Terminal } from '@xterm/xterm';

export interface PacingOptions {
  /** Largest single `terminal.write`. */
  pieceBytes: number;
  /** Most bytes written to the terminal and not yet parsed. */
  windowBytes: number;
}

const DEFAULT_PACING: PacingOptions = { pieceBytes: 32 * 1024, windowBytes: 256 * 1024 };

export class PacedTerminalWriter {
  private readonly queue: Uint8Array[] = [];
  private readonly pacing: PacingOptions;
  private inFlightBytes = 0;
  private idleCallbacks: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly terminal: Pick<Terminal, 'write'>,
    /** Called each time xterm has parsed a piece (the buffer now holds it). */
    private readonly afterPiece: () => void = () => undefined,
    pacing: Partial<PacingOptions> = {},
  ) {
    this.pacing = { ...DEFAULT_PACING, ...pacing };
  }

  /** True while bytes are queued or being parsed. */
  get busy(): boolean {
    return this.inFlightBytes > 0 || this.queue.length > 0;
  }

  /** Calls `callback` once everything written so far has been parsed (at once if nothing is pending). */
  whenIdle(callback: () => void): void {
    if (this.disposed) {
      return;
    }
    if (!this.busy) {
      callback();
    } else {
      this.idleCallbacks.push(callback);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.disposed || bytes.length === 0) {
      return;
    }
    this.queue.push(bytes);
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.idleCallbacks = [];
  }

  private pump(): void {
    while (!this.disposed && this.queue.length > 0 && this.inFlightBytes < this.pacing.windowBytes) {
      const piece = this.takePiece();
      this.inFlightBytes += piece.length;
      this.terminal.write(piece, () => {
        this.inFlightBytes -= piece.length;
        if (this.disposed) {
          return;
        }
        this.afterPiece();
        this.pump();
        if (!this.busy && this.idleCallbacks.length > 0) {
          const callbacks = this.idleCallbacks;
          this.idleCallbacks = [];
          callbacks.forEach((idle) => idle());
        }
      });
    }
  }

  /** Up to pieceBytes from the front of the queue; a large chunk is split (xterm decodes UTF-8 as a stream). */
  private takePiece(): Uint8Array {
    const limit = this.pacing.pieceBytes;
    const parts: Uint8Array[] = [];
    let size = 0;
    while (this.queue.length > 0 && size < limit) {
      const head = this.queue[0];
      const room = limit - size;
      if (head.length <= room) {
        parts.push(head);
        size += head.length;
        this.queue.shift();
      } else {
        parts.push(head.subarray(0, room));
        size += room;
        this.queue[0] = head.subarray(room);
      }
    }
    if (parts.length === 1) {
      return parts[0];
    }
    const piece = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      piece.set(part, at);
      at += part.length;
    }
    return piece;
  }
}
