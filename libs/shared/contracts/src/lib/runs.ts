/** Experiments and runs as the API returns them (see the API contract). Plain data, no framework. */

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run never changes again. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'canceled'];

export function isFinishedStatus(status: RunStatus): boolean {
  return FINISHED_RUN_STATUSES.includes(status);
}

export interface Experiment {
  id: string;
  name: string;
  description: string | null;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** How many runs the experiment has. */
  runCount: number;
}

export interface CreateExperimentRequest {
  name: string;
  description?: string;
}

export interface Run {
  id: string;
  experimentId: string;
  name: string;
  /** argv, executed directly (never through a shell). */
  command: string[];
  cwd: string;
  status: RunStatus;
  exitCode: number | null;
  signal: string | null;
  failureReason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Log bytes stored so far. */
  logSize: number;
}

export interface CreateRunRequest {
  name?: string;
  command: string[];
  cwd?: string;
  /** Added to the server's environment for this run. Write-only: never returned. */
  env?: Record<string, string>;
}

/** Field limits shared by the API's validation and the web forms. */
export const LIMITS = {
  experimentName: 200,
  experimentDescription: 10_000,
  runName: 200,
  commandArgs: 1_000,
  commandArgLength: 65_536,
  envEntries: 500,
} as const;
