// A child that prints one timestamped line every `intervalMs` (default 50) until it is stopped, and optionally
// `bytesPerSecond` of filler (the browser scenario's 5 MB/s), for `seconds` (default: forever).
import { writeSync } from 'node:fs';

const intervalMs = Number(process.argv[2] ?? 50);
const bytesPerSecond = Number(process.argv[3] ?? 0);
const seconds = Number(process.argv[4] ?? 0);
const filler = bytesPerSecond > 0 ? Buffer.from('x'.repeat(99) + '\n') : null;
const fillerPerTick = filler ? Math.max(1, Math.round((bytesPerSecond * intervalMs) / 1000 / filler.length)) : 0;
const started = Date.now();

function write(buffer) {
  for (let done = 0; done < buffer.length; ) {
    try {
      done += writeSync(1, buffer, done);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

const timer = setInterval(() => {
  if (filler) write(Buffer.concat(Array.from({ length: fillerPerTick }, () => filler)));
  write(Buffer.from(`T ${(performance.timeOrigin + performance.now()).toFixed(3)}\n`));
  if (seconds > 0 && Date.now() - started >= seconds * 1000) clearInterval(timer);
}, intervalMs);
