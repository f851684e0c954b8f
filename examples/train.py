#!/usr/bin/env python3
"""A small, real training script for trying ml-portal.

It generates a seeded "two moons" data set, splits it into training and
validation sets, and trains a small multi-layer perceptron (2 -> 16 tanh -> 1
sigmoid, binary cross-entropy, mini-batch SGD with momentum) in plain Python
(standard library only, no numpy).

Its output looks like that of a real training job, so it exercises the log
viewer: a progress bar redrawn in place with "\\r" during each epoch, a
coloured summary line per epoch, a coloured warning on stderr, and a final
"final val_accuracy=0.xxx" line. "--fail-at-epoch K" raises an exception
during epoch K (traceback on stderr, exit code 1).

    python3 examples/train.py --epochs 3 --steps-per-epoch 30 --step-delay 0.02
"""
import argparse
import math
import random
import sys
import time
import warnings

GREEN, CYAN, YELLOW, BOLD, RESET = "\x1b[32m", "\x1b[36m", "\x1b[33m", "\x1b[1m", "\x1b[0m"
BAR_WIDTH = 30
REDRAW_INTERVAL = 0.1  # seconds: at most ~10 progress redraws per second


def parse_args():
    p = argparse.ArgumentParser(description="Train a small MLP on a synthetic two-moons data set.")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--steps-per-epoch", type=int, default=50)
    p.add_argument("--step-delay", type=float, default=0.04, help="extra seconds per step (default 0.04)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--samples", type=int, default=1000, help="size of the whole data set")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.5, help="learning rate")
    p.add_argument("--fail-at-epoch", type=int, default=0, help="raise an exception during this epoch")
    args = p.parse_args()
    if args.epochs < 1 or args.steps_per_epoch < 1 or args.samples < 10 or args.batch_size < 1:
        p.error("--epochs, --steps-per-epoch and --batch-size must be >= 1, --samples >= 10")
    return args


def make_moons(n, rng, noise=0.15):
    """Two interleaving half circles; label 0 for the upper, 1 for the lower moon."""
    data = []
    for i in range(n):
        label = i % 2
        t = rng.uniform(0.0, math.pi)
        if label == 0:
            x, y = math.cos(t), math.sin(t)
        else:
            x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
        # Centre the data roughly on the origin, then add gaussian noise.
        data.append(([x - 0.5 + rng.gauss(0, noise), y - 0.25 + rng.gauss(0, noise)], label))
    rng.shuffle(data)
    return data


class MLP:
    """2 -> hidden (tanh) -> 1 (sigmoid), trained with SGD + momentum on binary cross-entropy."""

    def __init__(self, rng, n_in=2, n_hidden=16, momentum=0.9):
        scale = 1.0 / math.sqrt(n_in)
        self.w1 = [[rng.gauss(0, scale) for _ in range(n_in)] for _ in range(n_hidden)]
        self.b1 = [0.0] * n_hidden
        self.w2 = [rng.gauss(0, 1.0 / math.sqrt(n_hidden)) for _ in range(n_hidden)]
        self.b2 = 0.0
        self.momentum = momentum
        self.v = None  # velocity, same shape as the gradients

    def forward(self, x):
        h = [math.tanh(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(self.w1, self.b1)]
        z = sum(w * hi for w, hi in zip(self.w2, h)) + self.b2
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return h, p

    def train_step(self, batch, lr):
        """One SGD step on a batch; returns the batch's mean loss."""
        n_hidden = len(self.b1)
        gw1 = [[0.0] * len(self.w1[0]) for _ in range(n_hidden)]
        gb1 = [0.0] * n_hidden
        gw2 = [0.0] * n_hidden
        gb2 = 0.0
        loss = 0.0
        for x, y in batch:
            h, p = self.forward(x)
            loss += bce(p, y)
            dz = p - y  # d(loss)/d(logit) for sigmoid + cross-entropy
            gb2 += dz
            for j in range(n_hidden):
                gw2[j] += dz * h[j]
                dh = dz * self.w2[j] * (1.0 - h[j] * h[j])
                gb1[j] += dh
                for k, xk in enumerate(x):
                    gw1[j][k] += dh * xk
        n = len(batch)
        grads = [g / n for row in gw1 for g in row] + [g / n for g in gb1] + [g / n for g in gw2] + [gb2 / n]
        if self.v is None:
            self.v = [0.0] * len(grads)
        self.v = [self.momentum * v - lr * g for v, g in zip(self.v, grads)]
        self._apply(self.v)
        return loss / n

    def _apply(self, delta):
        it = iter(delta)
        for row in self.w1:
            for k in range(len(row)):
                row[k] += next(it)
        self.b1 = [b + next(it) for b in self.b1]
        self.w2 = [w + next(it) for w in self.w2]
        self.b2 += next(it)

    def evaluate(self, data):
        loss, correct = 0.0, 0
        for x, y in data:
            _, p = self.forward(x)
            loss += bce(p, y)
            correct += int((p >= 0.5) == (y == 1))
        return loss / len(data), correct / len(data)


def bce(p, y):
    p = min(max(p, 1e-7), 1.0 - 1e-7)
    return -(y * math.log(p) + (1 - y) * math.log(1.0 - p))


def draw_progress(epoch, epochs, step, steps, loss=None):
    filled = BAR_WIDTH * step // steps
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    sys.stdout.write(f"\rEpoch {epoch}/{epochs} [{bar}] {100 * step // steps:3d}% loss="
                     + ("-.----" if loss is None else f"{loss:.4f}"))
    sys.stdout.flush()  # no newline follows, so the line would otherwise wait in the buffer


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    data = make_moons(args.samples, rng)
    n_val = max(1, len(data) // 5)
    train, val = data[n_val:], data[:n_val]
    model = MLP(rng)

    print(f"{BOLD}Training MLP(2-16-1) on two moons:{RESET} {len(train)} training / {len(val)} validation "
          f"samples, batch size {args.batch_size}, seed {args.seed}")
    print(f"untrained model: val_accuracy={model.evaluate(val)[1]:.3f}")
    if args.lr > 0.1:
        warnings.warn(f"learning rate {args.lr} is high for SGD with momentum 0.9 and no warmup; "
                      f"the loss may oscillate in the first epoch", UserWarning)

    order, cursor, best = [], 0, 0.0
    for epoch in range(1, args.epochs + 1):
        started = last_draw = time.monotonic()
        total = 0.0
        draw_progress(epoch, args.epochs, 0, args.steps_per_epoch)
        for step in range(1, args.steps_per_epoch + 1):
            if epoch == args.fail_at_epoch and step > args.steps_per_epoch // 2:
                raise RuntimeError(f"simulated failure at epoch {epoch}, step {step} (--fail-at-epoch {epoch})")
            batch = []
            while len(batch) < args.batch_size:  # walk through reshuffled copies of the training set
                if cursor >= len(order):
                    order, cursor = rng.sample(train, len(train)), 0
                batch.append(order[cursor])
                cursor += 1
            total += model.train_step(batch, args.lr)
            if args.step_delay > 0:
                time.sleep(args.step_delay)  # stands in for the time a bigger model would take
            now = time.monotonic()
            if now - last_draw >= REDRAW_INTERVAL or step == args.steps_per_epoch:
                draw_progress(epoch, args.epochs, step, args.steps_per_epoch, total / step)
                last_draw = now
        sys.stdout.write("\n")

        val_loss, val_acc = model.evaluate(val)
        mark = f" {YELLOW}(best){RESET}" if val_acc > best else ""
        best = max(best, val_acc)
        print(f"{CYAN}{BOLD}Epoch {epoch}/{args.epochs}{RESET} - {time.monotonic() - started:.1f}s - "
              f"{GREEN}loss={total / args.steps_per_epoch:.4f} val_loss={val_loss:.4f} "
              f"val_accuracy={val_acc:.3f}{RESET}{mark}")

    _, val_acc = model.evaluate(val)
    print(f"final val_accuracy={val_acc:.3f}")
    return 0


def coloured_warning(message, category, filename, lineno, line=None):
    return f"{YELLOW}{category.__name__}: {message}{RESET}\n"


if __name__ == "__main__":
    warnings.formatwarning = coloured_warning
    sys.exit(main())
