import type { EventRule } from '../../config/alertRule';
import { DEFAULT_IGNORED_EXIT_CODES, DEFAULT_RESOLVE_AFTER_MS } from '../../config/alertRule';
import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import { Occurrences } from './occurrences';
import type { Condition, EvaluationContext, RuleEvaluator, RuleInput } from './ruleEvaluator';
import { RuleSelection } from './ruleSelection';
import { WindowCounts } from './windowCounts';

type Held = { container: ContainerRef; at: number; exitCode?: number };
type State = { occurrences?: unknown; window?: unknown; crashed?: string[]; held?: [string, Held][] };

/**
 * An event rule. `die`: an exit with a code not ignored that nobody asked for (not after a kill through the engine,
 * not an operator stop); `oom`: an OOM kill. Both hold for `resolveAfter` (default 5m) after the last occurrence, so a
 * crash loop keeps one alert firing instead of flapping with every restart. `restart-loop`: starts after unrequested
 * exits, `threshold.count` within `threshold.window`. `unhealthy`: from `health_status: unhealthy` until healthy,
 * stopped or removed. `unexpected-stop`: from an exit no operator asked for (a crash, an OOM kill, a `docker stop` or
 * `docker kill` outside dockwatch) until the container runs again or is removed; give it a `for` longer than a restart
 * policy's delay to hear only of containers that stay down. `engine-down`: while the engine is unreachable.
 */
export class EventRuleEvaluator implements RuleEvaluator {
  private readonly selection: RuleSelection;
  private readonly occurrences?: Occurrences;
  private readonly window?: WindowCounts;
  private readonly ignored: readonly number[];
  /** restart-loop: containers whose last exit was unrequested, so their next start is a restart. */
  private readonly crashed = new Set<string>();
  /** unhealthy and unexpected-stop: what holds per container id. */
  private readonly held = new Map<string, Held>();

  constructor(private readonly rule: EventRule) {
    this.selection = new RuleSelection(rule.containers);
    this.ignored = rule.ignoreExitCodes ?? DEFAULT_IGNORED_EXIT_CODES;
    if (rule.event === 'die' || rule.event === 'oom') {
      this.occurrences = new Occurrences(rule.resolveAfter ?? DEFAULT_RESOLVE_AFTER_MS);
    }
    if (rule.threshold) this.window = new WindowCounts(rule.threshold.window, rule.threshold.count);
  }

  observe(input: RuleInput, now: number): boolean {
    if (input.type === 'engine') return this.rule.event === 'engine-down' && !input.up;
    if (input.type !== 'event' || this.rule.event === 'engine-down') return false;
    const { event, cause } = input;
    const container = event.container;
    if (!this.selection.has(container)) return false;
    const group = { container: container.name };
    switch (this.rule.event) {
      case 'die':
        if (event.action !== 'die' || cause !== undefined || this.ignored.includes(event.exitCode)) return false;
        this.occurrences?.record(group, now, { container, value: event.exitCode });
        return true;
      case 'oom':
        if (event.action !== 'oom') return false;
        this.occurrences?.record(group, now, { container });
        return true;
      case 'restart-loop':
        if (event.action === 'die' && cause === undefined) this.crashed.add(container.id);
        else if (event.action === 'die' || event.action === 'destroy') this.crashed.delete(container.id);
        if (event.action !== 'start' || !this.crashed.delete(container.id)) return false;
        this.window?.record(group, now, { container });
        return true;
      case 'unhealthy':
        if (event.action === 'health_status' && event.status === 'unhealthy') {
          if (!this.held.has(container.id)) this.held.set(container.id, { container, at: now });
          return true;
        }
        if (['health_status', 'stop', 'destroy'].includes(event.action)) this.held.delete(container.id);
        return false;
      case 'unexpected-stop':
        if (event.action === 'die' && cause !== 'operator') {
          this.held.set(container.id, { container, at: now, exitCode: event.exitCode });
          return true;
        }
        if (event.action === 'start' || event.action === 'destroy') this.held.delete(container.id);
        return false;
      case 'update-available':
        return false;
    }
  }

  conditions(ctx: EvaluationContext): Condition[] {
    if (this.rule.event === 'engine-down') return ctx.engineUp ? [] : [{ id: '', group: {} }];
    if (this.occurrences) return this.occurrences.active(ctx.now);
    if (this.window) return this.window.active(ctx.now);
    const conditions: Condition[] = [];
    for (const [id, h] of this.held) {
      const group = { container: h.container.name };
      if (this.rule.event === 'unexpected-stop' && ctx.running.has(id)) this.held.delete(id);
      else conditions.push({ id: groupId(group), group, container: h.container, value: h.exitCode });
    }
    return conditions;
  }

  nextDeadline(): number | undefined {
    return this.occurrences?.nextDeadline() ?? this.window?.nextDeadline();
  }

  snapshot(): State {
    return {
      occurrences: this.occurrences?.snapshot(),
      window: this.window?.snapshot(),
      crashed: [...this.crashed],
      held: [...this.held],
    };
  }

  restore(state: unknown): void {
    const s = (state ?? {}) as State;
    this.occurrences?.restore(s.occurrences);
    this.window?.restore(s.window);
    if (Array.isArray(s.crashed)) for (const id of s.crashed) this.crashed.add(id);
    if (Array.isArray(s.held)) for (const [id, h] of s.held) if (h?.container) this.held.set(id, h);
  }
}
