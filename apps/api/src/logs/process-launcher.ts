/**
 * The seam between capture and the operating system: starting a command and signalling its process group.
 * Unit tests replace it with a fake process; integration tests use this real one.
 */
import { Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';

export interface LaunchSpec {
  /** argv; argv[0] is looked up on PATH. Never run through a shell. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
}

/** The part of a ChildProcess that capture uses. */
export interface LaunchedProcess {
  readonly pid?: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  once(event: 'spawn', listener: () => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

@Injectable()
export class ProcessLauncher {
  launch(spec: LaunchSpec): LaunchedProcess {
    const [file, ...args] = spec.command;
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group (and session), so that cancel reaches the script's children too.
      detached: true,
      shell: false,
      windowsHide: true,
    });
    return child as LaunchedProcess;
  }

  /** Whether process pid is alive and has `entry` (NAME=value) in its environment (Linux /proc). */
  environmentContains(pid: number, entry: string): boolean {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`).includes(Buffer.from(`${entry}\0`));
    } catch {
      return false;
    }
  }

  /** Signals every process in the group led by pid. False when the group is already gone. */
  signalGroup(pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
