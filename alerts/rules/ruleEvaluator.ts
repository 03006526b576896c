import type { ContainerEvent, ContainerRef, ImageUpdate, LogLine, MetricsSnapshot } from '../inputs';

/** Why a container stopped, when someone asked: dockwatch's operator (`expectStop`) or a kill through the engine. */
export type StopCause = 'operator' | 'docker';

/** A container the engine believes is running, and since when (as far as the engine knows). */
export type RunningContainer = ContainerRef & { since: number };

/** One input, as the engine hands it to the rules. */
export type RuleInput =
  | { type: 'match'; line: LogLine }
  | { type: 'event'; event: ContainerEvent; cause?: StopCause }
  | { type: 'engine'; up: boolean }
  | { type: 'metrics'; snapshot: MetricsSnapshot }
  | { type: 'update'; update: ImageUpdate };

/** What evaluators see besides their own state. */
export type EvaluationContext = {
  now: number;
  running: ReadonlyMap<string, RunningContainer>;
  engineUp: boolean;
};

/** One active instance of a rule's condition; its grouping labels make the alert's identity. */
export type Condition = {
  /** `groupId(group)`, computed once by the evaluator. */
  id: string;
  group: Record<string, string>;
  /** The container behind it, for templates (`{{container}}`, `{{labels.KEY}}`). */
  container?: ContainerRef;
  value?: number;
  count?: number;
  /** Oldest first. */
  lines?: string[];
};

/** Times a restored evaluator needs: when its state was saved and when it came back. */
export type RestoreContext = { savedAt: number; now: number };

/** One rule kind's logic: takes inputs, says which conditions hold now and when that may change by itself. */
export interface RuleEvaluator {
  /** Takes one input; true when it concerned this rule (it is then counted as a match and re-evaluated). */
  observe(input: RuleInput, now: number): boolean;
  /** The condition instances active at `ctx.now`. */
  conditions(ctx: EvaluationContext): Condition[];
  /** The earliest time the conditions may change without new input. */
  nextDeadline(ctx: EvaluationContext): number | undefined;
  /** JSON-serializable state (open windows, last matches), for an agent restart. */
  snapshot(): unknown;
  /** Puts back what `snapshot` returned for the same rule; ignores what it does not recognise. */
  restore(state: unknown, ctx: RestoreContext): void;
}
