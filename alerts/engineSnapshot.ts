import type { AlertRecord } from './alertStateMachine';
import type { Silence } from './silences';

/** Bumped when the snapshot shape changes incompatibly; an unknown version is ignored on restore. */
export const SNAPSHOT_VERSION = 1;

/** What an AlertEngine persists across agent restarts (the lead stores it as JSON in SQLite). */
export type EngineSnapshot = {
  version: typeof SNAPSHOT_VERSION;
  savedAt: number;
  /** Per rule name: its config fingerprint, its alerts and its evaluator's windows. */
  rules: Record<string, { fingerprint: string; alerts: AlertRecord[]; evaluator: unknown }>;
  /** When each notification group last sent. */
  groups: [string, number][];
  /** Silences added at runtime. */
  silences: Silence[];
  /** Running containers and operator expectations. */
  containers: unknown;
};

/** Whether a value read back from the store is a snapshot this version can restore. */
export function isEngineSnapshot(value: unknown): value is EngineSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<EngineSnapshot>;
  return (
    s.version === SNAPSHOT_VERSION &&
    typeof s.savedAt === 'number' &&
    typeof s.rules === 'object' &&
    s.rules !== null &&
    Array.isArray(s.groups) &&
    Array.isArray(s.silences)
  );
}
