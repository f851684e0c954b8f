// Deterministic log-like text for the benchmark: the child that prints it and the bench that checks what was
// stored both build it from here, so a sha256 comparison proves the log byte-exact.
import { createHash } from 'node:crypto';

const BLOCK_BYTES = 1024 * 1024;
const BLOCKS = 8;
const WORDS = ['train', 'eval', 'batch', 'grad_norm', 'warmup', 'checkpoint', 'loss', 'val', 'tokens/s', 'ema'];

function makeBlock(seed) {
  let x = seed * 2654435761 + 1;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const parts = [];
  let size = 0;
  for (let step = seed * 100000; size < BLOCK_BYTES; step++) {
    const line =
      `epoch ${1 + (step % 7)} step ${String(step).padStart(7, '0')} loss=${rand().toFixed(6)} ` +
      `acc=${rand().toFixed(4)} lr=${(rand() * 1e-3).toExponential(2)} ${WORDS[Math.floor(rand() * WORDS.length)]} ` +
      `\x1b[32m${'#'.repeat(Math.floor(rand() * 30))}\x1b[0m\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, BLOCK_BYTES);
}

let blocks;
/** The 1 MiB blocks the content cycles through. */
export function contentBlocks() {
  blocks ??= Array.from({ length: BLOCKS }, (_, i) => makeBlock(i + 1));
  return blocks;
}

/** Calls `fn` with the content's first `total` bytes, piece by piece (each piece at most 1 MiB). */
export function forEachPiece(total, fn) {
  const all = contentBlocks();
  for (let offset = 0, i = 0; offset < total; i++) {
    const block = all[i % all.length];
    const piece = block.subarray(0, Math.min(block.length, total - offset));
    fn(piece, offset);
    offset += piece.length;
  }
}

export function contentSha256(total) {
  const hash = createHash('sha256');
  forEachPiece(total, (piece) => hash.update(piece));
  return hash.digest('hex');
}
