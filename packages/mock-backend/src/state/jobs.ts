/**
 * Simulated jobs with progress (the control-plane dialect's job:* events come
 * from here). Separate from sockets: the control-plane bus listens to it.
 * createJob({steps, stepMs}) runs step after step on timers; a job ends
 * completed, failed (at `failAtStep`) or cancelled (cancelJob). Timers are
 * unref'd and cleared by close(), so a test process never hangs on a job.
 */
import { EventEmitter } from 'eventemitter3';
import { randomUUID } from 'node:crypto';

export type JobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface JobRecord {
  jobId: string;
  /** One run of the job (the document separates the two ids; a retry would be a new run). */
  jobRunId: string;
  type: string;
  status: JobStatus;
  steps: number;
  step: number;
  percent: number;
  message: string;
  result: Record<string, unknown> | null;
  error: { message: string; code?: string } | null;
  cancelReason: string | null;
  createdAt: string;
  /** ISO time of the last change (progress, end). */
  updatedAt: string;
  endedAt: string | null;
}

export interface CreateJobOptions {
  /** Job kind, e.g. `INSTALL_SERVER`. Default `SIMULATED`. */
  type?: string;
  /** Progress steps before completion (each emits job:progress). Default 4. */
  steps?: number;
  /** Delay between steps, ms. Default 100. */
  stepMs?: number;
  /** Fail instead of running this step (1-based). Default never. */
  failAtStep?: number;
  /** Error message when failing. Default `simulated failure at step N`. */
  failMessage?: string;
  /** `result` of job:completed. Default `{ steps }`. */
  result?: Record<string, unknown>;
  /** Progress message per step. Default `step i of n`. */
  stepMessage?: (step: number, steps: number) => string;
}

export interface JobsStateEvents {
  created: (job: JobRecord) => void;
  progress: (job: JobRecord) => void;
  completed: (job: JobRecord) => void;
  failed: (job: JobRecord) => void;
  cancelled: (job: JobRecord) => void;
}

export class JobsState extends EventEmitter<JobsStateEvents> {
  readonly jobs = new Map<string, JobRecord>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  createJob(options: CreateJobOptions = {}): JobRecord {
    const steps = options.steps ?? 4;
    const stepMs = options.stepMs ?? 100;
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`createJob: steps must be an integer ≥ 0, got ${String(steps)}`);
    if (!(stepMs >= 0)) throw new Error(`createJob: stepMs must be ≥ 0, got ${String(stepMs)}`);
    const at = new Date().toISOString();
    const job: JobRecord = {
      jobId: randomUUID(), jobRunId: randomUUID(), type: options.type ?? 'SIMULATED', status: 'PENDING',
      steps, step: 0, percent: 0, message: 'queued', result: null, error: null, cancelReason: null,
      createdAt: at, updatedAt: at, endedAt: null,
    };
    this.jobs.set(job.jobId, job);
    this.emit('created', job);
    const msg = options.stepMessage ?? ((i, n) => `step ${i} of ${n}`);
    const next = () => {
      this.timers.delete(job.jobId);
      if (job.status === 'CANCELLED') return;
      const i = job.step + 1;
      if (options.failAtStep !== undefined && i >= options.failAtStep) {
        this.end(job, 'FAILED');
        job.error = { message: options.failMessage ?? `simulated failure at step ${i}`, code: 'SIMULATED_FAILURE' };
        this.emit('failed', job);
        return;
      }
      if (i > steps) {
        this.end(job, 'COMPLETED');
        job.percent = 100;
        job.result = options.result ?? { steps };
        this.emit('completed', job);
        return;
      }
      job.step = i;
      job.status = 'RUNNING';
      job.percent = Math.round((i / (steps + 1)) * 100);
      job.message = msg(i, steps);
      job.updatedAt = new Date().toISOString();
      this.emit('progress', job);
      this.schedule(job.jobId, next, stepMs);
    };
    this.schedule(job.jobId, next, stepMs);
    return job;
  }

  /** Cancels a job that has not ended. False when unknown or already ended. */
  cancelJob(jobId: string, reason = 'cancelled by request'): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.endedAt !== null) return false;
    clearTimeout(this.timers.get(jobId));
    this.timers.delete(jobId);
    this.end(job, 'CANCELLED');
    job.cancelReason = reason;
    this.emit('cancelled', job);
    return true;
  }

  /** Stops every running job's timer (no events). */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(jobId: string, fn: () => void, ms: number): void {
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.set(jobId, t);
  }

  private end(job: JobRecord, status: JobStatus): void {
    job.status = status;
    job.endedAt = job.updatedAt = new Date().toISOString();
  }
}
