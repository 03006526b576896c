import type Docker from 'dockerode';
import { LogFrameDecoder } from '../logs/logFrameDecoder';

/** Why a new container did not come up, as far as the engine tells: exit code, last health output, last log lines. */
export type FailureDiagnosis = {
  /** Set when it is no longer running. */
  exitCode?: number;
  /** The output of its last health check, when it has one. */
  health?: string;
  /** Its last log lines (at most {@link DIAGNOSIS_LOG_LINES}), oldest first. */
  logs: string[];
};

/** How many log lines a diagnosis keeps. */
export const DIAGNOSIS_LOG_LINES = 10;
const MAX_LINE = 300;
const MAX_HEALTH = 500;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The lines of a finished log read (demultiplexed unless TTY), without empty trailing ones (pure). */
export function logTail(body: Buffer, tty: boolean, lines: number): string[] {
  const frames = tty ? [{ data: body }] : new LogFrameDecoder().push(body);
  const text = frames.map((f) => f.data.toString('utf8')).join('');
  const all = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (all.length && all[all.length - 1] === '') all.pop();
  return all.slice(-lines).map((l) => cut(l, MAX_LINE));
}

/** Reads a diagnosis of a container that failed to come up; what cannot be read is left out, never thrown. */
export async function diagnose(container: Docker.Container): Promise<FailureDiagnosis> {
  const info = await container.inspect().catch(() => undefined);
  const out: FailureDiagnosis = { logs: [] };
  if (!info) return out;
  if (!info.State.Running && !info.State.Restarting) out.exitCode = info.State.ExitCode;
  const log = (info.State as { Health?: { Log?: { Output?: string }[] | null } }).Health?.Log ?? [];
  const last = log[log.length - 1]?.Output?.trim();
  if (last) out.health = cut(last, MAX_HEALTH);
  const body = await container
    .logs({ stdout: true, stderr: true, tail: DIAGNOSIS_LOG_LINES, follow: false })
    .catch(() => undefined);
  if (body)
    out.logs = logTail(Buffer.isBuffer(body) ? body : Buffer.from(String(body)), info.Config.Tty, DIAGNOSIS_LOG_LINES);
  return out;
}

/** The diagnosis in one line for a reply: `exit code 1; health: …; last log lines: a | b`. */
export function describeDiagnosis(d: FailureDiagnosis): string {
  const parts: string[] = [];
  if (d.exitCode !== undefined) parts.push(`exit code ${d.exitCode}`);
  if (d.health !== undefined) parts.push(`last health check: ${d.health.replace(/\s*\n\s*/g, ' ')}`);
  if (d.logs.length) parts.push(`last log lines:\n${d.logs.join('\n')}`);
  return parts.join('; ');
}
