import { PacedTerminalWriter } from './paced-terminal-writer';

/** A terminal that parses only when the test says so. */
class SlowTerminal {
  readonly writes: Uint8Array[] = [];
  private pending: Array<() => void> = [];

  write(data: string | Uint8Array, callback?: () => void): void {
    this.writes.push(data as Uint8Array);
    this.pending.push(callback ?? (() => undefined));
  }

  get inFlight(): number {
    return this.pending.length;
  }

  /** Parses the oldest pending write. */
  parseOne(): void {
    this.pending.shift()?.();
  }
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('PacedTerminalWriter', () => {
  it('stops writing when the window of unparsed bytes is full, and joins what waits, in order', () => {
    const terminal = new SlowTerminal();
    let parsed = 0;
    const writer = new PacedTerminalWriter(terminal, () => parsed++, { pieceBytes: 4, windowBytes: 4 });
    writer.write(bytes(1, 2, 3, 4));
    writer.write(bytes(5));
    writer.write(bytes(6, 7));
    expect(terminal.writes).toEqual([bytes(1, 2, 3, 4)]);

    terminal.parseOne();
    expect(parsed).toBe(1);
    expect(terminal.writes).toEqual([bytes(1, 2, 3, 4), bytes(5, 6, 7)]);
    expect(writer.busy).toBe(true);
    terminal.parseOne();
    expect(writer.busy).toBe(false);
  });

  it('splits a large chunk into pieces and keeps several in flight up to the window', () => {
    const terminal = new SlowTerminal();
    const writer = new PacedTerminalWriter(terminal, undefined, { pieceBytes: 4, windowBytes: 8 });
    writer.write(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(terminal.writes).toEqual([bytes(1, 2, 3, 4), bytes(5, 6, 7, 8)]);
    expect(terminal.inFlight).toBe(2);
    terminal.parseOne();
    expect(terminal.writes).toEqual([bytes(1, 2, 3, 4), bytes(5, 6, 7, 8), bytes(9, 10)]);
  });

  it('writes nothing after dispose', () => {
    const terminal = new SlowTerminal();
    const writer = new PacedTerminalWriter(terminal, undefined, { pieceBytes: 1, windowBytes: 1 });
    writer.write(bytes(1));
    writer.write(bytes(2));
    writer.dispose();
    terminal.parseOne();
    writer.write(bytes(3));
    expect(terminal.writes).toEqual([bytes(1)]);
  });
});

describe('PacedTerminalWriter.whenIdle', () => {
  it('waits until everything written so far is parsed', () => {
    const terminal = new SlowTerminal();
    const writer = new PacedTerminalWriter(terminal, undefined, { pieceBytes: 2, windowBytes: 2 });
    const idle = jest.fn();
    writer.whenIdle(idle);
    expect(idle).toHaveBeenCalledTimes(1); // nothing pending

    writer.write(bytes(1, 2, 3, 4));
    writer.whenIdle(idle);
    terminal.parseOne();
    expect(idle).toHaveBeenCalledTimes(1);
    terminal.parseOne();
    expect(idle).toHaveBeenCalledTimes(2);
  });
});
