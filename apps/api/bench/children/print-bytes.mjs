// A child that prints the bench content (`bytes` of it) to stdout as fast as the pipe takes it.
import { writeSync } from 'node:fs';
import { forEachPiece } from '../log-content.mjs';

const total = Number(process.argv[2]);
const wait = new Int32Array(new SharedArrayBuffer(4));
forEachPiece(total, (piece) => {
  let done = 0;
  while (done < piece.length) {
    try {
      done += writeSync(1, piece, done);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(wait, 0, 0, 1); // a non-blocking pipe that is full: wait for the reader
    }
  }
});
