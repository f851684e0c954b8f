/** A raw-HTTP reader of the log stream, so tests see exactly what goes over the wire. */
import * as http from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  /** Raw body text, for non-SSE answers (JSON errors). */
  body: string;
  /** Resolves when the server ends the response (or it is cut). */
  closed: Promise<void>;
  /** Resolves once an event matching the predicate has arrived. */
  waitFor(predicate: (e: SseEvent, all: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Cuts the connection from the client side. */
  cut(): void;
}

export function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let buffer = '';
      let body = '';
      const listeners = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          let hasField = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            hasField = true;
            if (field === 'event') event.event = value;
            else if (field === 'id') event.id = value;
            else if (field === 'data') data.push(value);
          }
          if (!hasField) continue;
          event.data = data.join('\n');
          events.push(event);
        }
        listeners.forEach((l) => l());
      });
      let isClosed = false;
      const closed = new Promise<void>((done) => {
        res.on('close', () => {
          isClosed = true;
          listeners.forEach((l) => l());
          done();
        });
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        get body() {
          return body;
        },
        closed,
        waitFor(predicate, timeoutMs = 20_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.find((e) => predicate(e, events));
              if (found) {
                cleanup();
                ok(found);
              } else if (isClosed) {
                cleanup();
                fail(new Error(`stream closed before the awaited event; got ${events.map((e) => e.event).join(',')}`));
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`timed out waiting for an event; got ${events.map((e) => e.event).join(',')}`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              listeners.delete(check);
            };
            listeners.add(check);
            check();
          });
        },
        cut() {
          req.destroy();
        },
      } as SseConnection);
    });
    req.on('error', reject);
  });
}

/** The bytes carried by the log events, concatenated, after checking they follow each other with no gap. */
export function logBytes(events: SseEvent[], startOffset = 0): Buffer {
  const parts: Buffer[] = [];
  let expected = startOffset;
  for (const e of events.filter((x) => x.event === 'log')) {
    const { offset, data } = JSON.parse(e.data) as { offset: number; data: string };
    if (offset !== expected) throw new Error(`log event at offset ${offset}, expected ${expected}`);
    const bytes = Buffer.from(data, 'base64');
    expected += bytes.length;
    if (e.id !== String(expected)) throw new Error(`log event id ${e.id}, expected ${expected}`);
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}
