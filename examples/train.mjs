#!/usr/bin/env node
/**
 * A small, real training script for trying ml-portal: the Node.js twin of train.py, for machines without Python.
 * No dependencies.
 *
 * It generates a seeded "two moons" data set, splits it into training and validation sets, and trains a small
 * multi-layer perceptron (2 -> 16 tanh -> 1 sigmoid, binary cross-entropy, mini-batch SGD with momentum).
 *
 * Its output looks like that of a real training job: a progress bar redrawn in place with "\r" during each epoch,
 * a coloured summary line per epoch, a coloured warning on stderr, and a final "final val_accuracy=0.xxx" line.
 * "--fail-at-epoch K" throws during epoch K (stack trace on stderr, exit code 1).
 *
 *     node examples/train.mjs --epochs 3 --steps-per-epoch 30 --step-delay 0.02
 */
import { setTimeout as sleep } from 'node:timers/promises';

const [GREEN, CYAN, YELLOW, BOLD, RESET] = ['\x1b[32m', '\x1b[36m', '\x1b[33m', '\x1b[1m', '\x1b[0m'];
const BAR_WIDTH = 30;
const REDRAW_INTERVAL_MS = 100; // at most ~10 progress redraws per second

const OPTIONS = {
  epochs: 5, 'steps-per-epoch': 50, 'step-delay': 0.04, seed: 42, samples: 1000,
  'batch-size': 32, lr: 0.5, 'fail-at-epoch': 0,
};

function usage(message) {
  const names = Object.entries(OPTIONS).map(([name, value]) => `[--${name} ${value}]`).join(' ');
  process.stderr.write(`usage: train.mjs ${names}\n${message ? `train.mjs: error: ${message}\n` : ''}`);
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const args = { ...OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') usage();
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match || !(match[1] in OPTIONS)) usage(`unrecognized argument: ${argv[i]}`);
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value)) usage(`argument --${match[1]}: invalid number: ${raw}`);
    if (match[1] !== 'step-delay' && match[1] !== 'lr' && !Number.isInteger(value)) {
      usage(`argument --${match[1]}: invalid int value: ${raw}`);
    }
    args[match[1]] = value;
  }
  if (args.epochs < 1 || args['steps-per-epoch'] < 1 || args['batch-size'] < 1 || args.samples < 10) {
    usage('--epochs, --steps-per-epoch and --batch-size must be >= 1, --samples >= 10');
  }
  return args;
}

/** Seeded random numbers (mulberry32), with uniform, gaussian and shuffle helpers. */
function makeRng(seed) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = (mu, sigma) => mu + sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const shuffled = (items) => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  return { random, gauss, shuffled };
}

/** Two interleaving half circles; label 0 for the upper, 1 for the lower moon. */
function makeMoons(n, rng, noise = 0.15) {
  const data = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = rng.random() * Math.PI;
    const [x, y] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    data.push([[x - 0.5 + rng.gauss(0, noise), y - 0.25 + rng.gauss(0, noise)], label]);
  }
  return rng.shuffled(data);
}

const bce = (p, y) => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
};

/** 2 -> hidden (tanh) -> 1 (sigmoid), trained with SGD + momentum on binary cross-entropy. */
class MLP {
  constructor(rng, nIn = 2, nHidden = 16, momentum = 0.9) {
    this.w1 = Array.from({ length: nHidden }, () => Array.from({ length: nIn }, () => rng.gauss(0, 1 / Math.sqrt(nIn))));
    this.b1 = new Array(nHidden).fill(0);
    this.w2 = Array.from({ length: nHidden }, () => rng.gauss(0, 1 / Math.sqrt(nHidden)));
    this.b2 = 0;
    this.momentum = momentum;
    this.v = null; // velocity, same shape as the flattened gradients
  }

  forward(x) {
    const h = this.w1.map((row, j) => Math.tanh(row.reduce((s, w, k) => s + w * x[k], this.b1[j])));
    const z = h.reduce((s, hj, j) => s + this.w2[j] * hj, this.b2);
    return [h, 1 / (1 + Math.exp(-z))];
  }

  /** One SGD step on a batch; returns the batch's mean loss. */
  trainStep(batch, lr) {
    const nHidden = this.b1.length;
    const gw1 = this.w1.map((row) => row.map(() => 0));
    const gb1 = new Array(nHidden).fill(0);
    const gw2 = new Array(nHidden).fill(0);
    let gb2 = 0;
    let loss = 0;
    for (const [x, y] of batch) {
      const [h, p] = this.forward(x);
      loss += bce(p, y);
      const dz = p - y; // d(loss)/d(logit) for sigmoid + cross-entropy
      gb2 += dz;
      for (let j = 0; j < nHidden; j++) {
        gw2[j] += dz * h[j];
        const dh = dz * this.w2[j] * (1 - h[j] * h[j]);
        gb1[j] += dh;
        x.forEach((xk, k) => { gw1[j][k] += dh * xk; });
      }
    }
    const n = batch.length;
    const grads = [...gw1.flat(), ...gb1, ...gw2, gb2].map((g) => g / n);
    this.v = (this.v ?? grads.map(() => 0)).map((v, i) => this.momentum * v - lr * grads[i]);
    let i = 0;
    for (const row of this.w1) row.forEach((_, k) => { row[k] += this.v[i++]; });
    this.b1 = this.b1.map((b) => b + this.v[i++]);
    this.w2 = this.w2.map((w) => w + this.v[i++]);
    this.b2 += this.v[i++];
    return loss / n;
  }

  evaluate(data) {
    let loss = 0;
    let correct = 0;
    for (const [x, y] of data) {
      const p = this.forward(x)[1];
      loss += bce(p, y);
      correct += (p >= 0.5) === (y === 1) ? 1 : 0;
    }
    return [loss / data.length, correct / data.length];
  }
}

function drawProgress(epoch, epochs, step, steps, loss) {
  const filled = Math.floor((BAR_WIDTH * step) / steps);
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
  const percent = String(Math.floor((100 * step) / steps)).padStart(3);
  process.stdout.write(`\rEpoch ${epoch}/${epochs} [${bar}] ${percent}% loss=${loss === undefined ? '-.----' : loss.toFixed(4)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [epochs, steps, batchSize] = [args.epochs, args['steps-per-epoch'], args['batch-size']];
  const rng = makeRng(args.seed);
  const data = makeMoons(args.samples, rng);
  const nVal = Math.max(1, Math.floor(data.length / 5));
  const [train, val] = [data.slice(nVal), data.slice(0, nVal)];
  const model = new MLP(rng);

  console.log(`${BOLD}Training MLP(2-16-1) on two moons:${RESET} ${train.length} training / ${val.length} validation ` +
    `samples, batch size ${batchSize}, seed ${args.seed}`);
  console.log(`untrained model: val_accuracy=${model.evaluate(val)[1].toFixed(3)}`);
  if (args.lr > 0.1) {
    process.stderr.write(`${YELLOW}UserWarning: learning rate ${args.lr} is high for SGD with momentum 0.9 and no ` +
      `warmup; the loss may oscillate in the first epoch${RESET}\n`);
  }

  let [order, cursor, best] = [[], 0, 0];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    let lastDraw = started;
    let total = 0;
    drawProgress(epoch, epochs, 0, steps);
    for (let step = 1; step <= steps; step++) {
      if (epoch === args['fail-at-epoch'] && step > Math.floor(steps / 2)) {
        throw new Error(`simulated failure at epoch ${epoch}, step ${step} (--fail-at-epoch ${epoch})`);
      }
      const batch = [];
      while (batch.length < batchSize) { // walk through reshuffled copies of the training set
        if (cursor >= order.length) [order, cursor] = [rng.shuffled(train), 0];
        batch.push(order[cursor++]);
      }
      total += model.trainStep(batch, args.lr);
      if (args['step-delay'] > 0) await sleep(args['step-delay'] * 1000); // stands in for a bigger model's time
      const now = performance.now();
      if (now - lastDraw >= REDRAW_INTERVAL_MS || step === steps) {
        drawProgress(epoch, epochs, step, steps, total / step);
        lastDraw = now;
      }
    }
    process.stdout.write('\n');

    const [valLoss, valAcc] = model.evaluate(val);
    const mark = valAcc > best ? ` ${YELLOW}(best)${RESET}` : '';
    best = Math.max(best, valAcc);
    console.log(`${CYAN}${BOLD}Epoch ${epoch}/${epochs}${RESET} - ${((performance.now() - started) / 1000).toFixed(1)}s - ` +
      `${GREEN}loss=${(total / steps).toFixed(4)} val_loss=${valLoss.toFixed(4)} val_accuracy=${valAcc.toFixed(3)}${RESET}${mark}`);
  }

  console.log(`final val_accuracy=${model.evaluate(val)[1].toFixed(3)}`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
});
