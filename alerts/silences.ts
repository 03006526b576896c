import { randomUUID } from 'node:crypto';
import { matchesGlob } from '../config/glob';
import type { SilenceConfig } from '../config/alertsSchema';

/** Label name → value or glob; every matcher must match. `rule` stands for `alertname` when the alert has no `rule`. */
export type Matchers = Record<string, string>;

/** A silence: alerts whose labels match are not notified (firing nor resolved) until `until`; their state goes on. */
export type Silence = {
  id: string;
  matchers: Matchers;
  /** ms since the epoch. */
  until: number;
  comment: string;
  createdBy: string;
  createdAt: number;
  /** `config` silences come back from the file on every start; `runtime` ones are added through the API. */
  source: 'config' | 'runtime';
};

/** What the API (chat bot, control API) gives to add a silence. */
export type NewSilence = { matchers: Matchers; until: number; comment?: string; createdBy: string };

/** Thrown for a silence the API must refuse; the message is safe to show to the operator. */
export class SilenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SilenceError';
  }
}

/** Whether every matcher matches `labels` (a missing label reads as empty). */
export function matchesLabels(matchers: Matchers, labels: Readonly<Record<string, string>>): boolean {
  for (const [name, pattern] of Object.entries(matchers)) {
    const value = labels[name] ?? (name === 'rule' ? labels.alertname : undefined) ?? '';
    if (!matchesGlob(pattern, value)) return false;
  }
  return true;
}

/** The silences of one engine: those of the config plus those added at runtime; expired ones drop out by themselves. */
export class Silences {
  private readonly byId = new Map<string, Silence>();

  constructor(
    fromConfig: readonly SilenceConfig[],
    private readonly now: () => number,
    private readonly newId: () => string = () => randomUUID().slice(0, 8),
  ) {
    fromConfig.forEach((s, i) => {
      const id = `config-${i + 1}`;
      const until = Date.parse(s.until);
      this.byId.set(id, { id, ...s, matchers: { ...s.matchers }, until, createdAt: 0, source: 'config' });
    });
  }

  /** Adds a silence and returns it with its id; refuses one without matchers or already expired. */
  add(input: NewSilence): Silence {
    const now = this.now();
    if (Object.keys(input.matchers).length === 0) throw new SilenceError('a silence needs at least one matcher');
    if (!Number.isFinite(input.until) || input.until <= now) throw new SilenceError('a silence must end in the future');
    const silence: Silence = {
      id: this.newId(),
      matchers: { ...input.matchers },
      until: input.until,
      comment: input.comment ?? '',
      createdBy: input.createdBy,
      createdAt: now,
      source: 'runtime',
    };
    this.byId.set(silence.id, silence);
    return silence;
  }

  /** The silences in force now, soonest ending first. */
  list(): Silence[] {
    const now = this.now();
    return [...this.byId.values()].filter((s) => s.until > now).sort((a, b) => a.until - b.until);
  }

  /** Removes a silence (config ones until the next start); false when there is no such id. */
  remove(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Drops silences that ended; returns them. */
  expire(): Silence[] {
    const now = this.now();
    const ended = [...this.byId.values()].filter((s) => s.until <= now);
    for (const s of ended) this.byId.delete(s.id);
    return ended;
  }

  /** The silence in force that matches these alert labels, if any. */
  silencing(labels: Readonly<Record<string, string>>): Silence | undefined {
    const now = this.now();
    for (const s of this.byId.values()) if (s.until > now && matchesLabels(s.matchers, labels)) return s;
    return undefined;
  }

  /** When the next silence ends, so a silenced alert can be notified then. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const s of this.byId.values()) if (next === undefined || s.until < next) next = s.until;
    return next;
  }

  /** The runtime silences, for the engine snapshot (config ones come from the file). */
  snapshot(): Silence[] {
    return [...this.byId.values()].filter((s) => s.source === 'runtime');
  }

  /** Puts back runtime silences from a snapshot, skipping ended ones and ids already present. */
  restore(silences: readonly Silence[]): void {
    const now = this.now();
    for (const s of silences) {
      if (s.until > now && !this.byId.has(s.id)) this.byId.set(s.id, { ...s, source: 'runtime' });
    }
  }
}
