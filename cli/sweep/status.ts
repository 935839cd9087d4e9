/**
 * One state per variant from two witnesses: the scheduler (what Slurm says of the task)
 * and the run store (what the run itself wrote in summary.json). A finished run is
 * COMPLETED whatever Slurm says; otherwise Slurm's word wins while it knows the task,
 * and the run store speaks for tasks Slurm has forgotten and for local runs.
 */
import type { SweepManifest, VariantState, VariantStatus } from '../../sidecar/protocol/sweep';
import { slurmStates } from './slurm';
import { readRunSummary, readTask } from './taskState';
import { isProcessAlive } from '../../sidecar/protocol/runStore';

/** Slurm's state words (squeue/scontrol/sacct) → the sweep's states. */
export function fromSlurmState(state: string): VariantState {
  if (
    /^(PENDING|CONFIGURING|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|RESV_DEL_HOLD|SUSPENDED)$/.test(state)
  )
    return 'PENDING';
  if (/^(RUNNING|COMPLETING|STAGE_OUT|SIGNALING|RESIZING)$/.test(state)) return 'RUNNING';
  if (state === 'COMPLETED') return 'COMPLETED';
  if (state === 'TIMEOUT' || state === 'DEADLINE') return 'TIMEOUT';
  if (state === 'CANCELLED' || state === 'PREEMPTED') return 'CANCELLED';
  return 'FAILED';
}

/** The Slurm task of a variant: from its latest Slurm submission. */
export function slurmTaskOf(manifest: SweepManifest, index: number): string | undefined {
  for (const submission of [...manifest.submissions].reverse()) {
    if (!submission.indices.includes(index)) continue;
    return submission.executor === 'slurm' && submission.jobId
      ? `${submission.jobId}_${index}`
      : undefined;
  }
  return undefined;
}

export function joinState(
  runStatus: string | undefined,
  slurmState: string | undefined,
  submitted: boolean,
  alive = false,
): VariantState {
  if (runStatus === 'completed') return 'COMPLETED';
  if (slurmState) {
    const state = fromSlurmState(slurmState);
    // The batch shell exited 0 but the run did not finish: not a success.
    if (state !== 'COMPLETED') return state;
    return runStatus === 'stopped' ? 'STOPPED' : 'FAILED';
  }
  switch (runStatus) {
    case 'running':
      // Slurm has forgotten the task or it ran locally: running only if its process lives.
      return alive ? 'RUNNING' : 'FAILED';
    case 'stopped':
      return 'STOPPED';
    case 'failed':
    case 'interrupted':
      return 'FAILED';
    default:
      return submitted ? 'PENDING' : 'NOT_SUBMITTED';
  }
}

export function sweepStatus(
  sweepDir: string,
  manifest: SweepManifest,
  states: Map<string, string> = slurmStates(slurmJobIds(manifest)),
): VariantStatus[] {
  return manifest.variants.map((variant) => {
    const task = readTask(sweepDir, variant.index);
    const summary = task ? readRunSummary(task.runDir) : undefined;
    const jobId = slurmTaskOf(manifest, variant.index);
    const slurmState = jobId ? states.get(jobId) : undefined;
    const submitted = manifest.submissions.some((s) => s.indices.includes(variant.index));
    return {
      index: variant.index,
      name: variant.name,
      state: joinState(
        summary?.status,
        slurmState,
        submitted,
        !jobId && isProcessAlive(summary?.pid),
      ),
      slurmState,
      jobId,
      runDir: task?.runDir,
      runStatus: summary?.status,
      metrics: summary?.metrics,
    };
  });
}

export function slurmJobIds(manifest: SweepManifest): string[] {
  return [
    ...new Set(
      manifest.submissions.filter((s) => s.executor === 'slurm' && s.jobId).map((s) => s.jobId!),
    ),
  ];
}

/** What a (re-)submission sends: everything not completed and not already queued or running. */
export function indicesToSubmit(statuses: VariantStatus[]): number[] {
  return statuses
    .filter(
      (s) =>
        !['COMPLETED', 'PENDING', 'RUNNING'].includes(s.state) ||
        // Submitted locally but never started (the local sweep was stopped first).
        (s.state === 'PENDING' && !s.slurmState),
    )
    .map((s) => s.index);
}
