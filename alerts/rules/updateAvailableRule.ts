import type { EventRule } from '../../config/alertRule';
import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import type { Condition, EvaluationContext, RuleEvaluator, RuleInput } from './ruleEvaluator';
import { RuleSelection } from './ruleSelection';

/** An update found for one container: the tag it runs and the digest of the image the tag now points to. */
type Held = { container: ContainerRef; image: string; digest: string };

/** Removed containers remembered, so that a late answer about one is ignored (a round in flight during a deploy). */
const GONE_REMEMBERED = 1024;

/**
 * `event: update-available`: holds per container from the check that found its tag pointing to another image until a
 * check finds it running the tag's image again (after a deploy, a pull and recreate, or the tag moving back) or the
 * container is removed (a deploy replaces it). The alert's grouping labels are `container`, `image` and `digest`, so
 * every later round that finds the same digest keeps the one alert, and only a new push (another digest) makes a new
 * alert (the previous one resolves). An answer about a container removed meanwhile (a round that was checking it
 * when a deploy replaced it) is ignored.
 */
export class UpdateAvailableEvaluator implements RuleEvaluator {
  private readonly selection: RuleSelection;
  private readonly held = new Map<string, Held>();
  private readonly gone = new Set<string>();

  constructor(rule: EventRule) {
    this.selection = new RuleSelection(rule.containers);
  }

  observe(input: RuleInput): boolean {
    if (input.type === 'event') {
      if (input.event.action === 'destroy') this.forget(input.event.container.id);
      return false;
    }
    if (input.type !== 'update') return false;
    const { container, image, available, digest } = input.update;
    if (!this.selection.has(container) || this.gone.has(container.id)) return false;
    if (!available || digest === undefined) {
      this.held.delete(container.id);
      return false;
    }
    const prev = this.held.get(container.id);
    if (prev?.digest !== digest || prev.image !== image) this.held.set(container.id, { container, image, digest });
    return true;
  }

  conditions(_ctx: EvaluationContext): Condition[] {
    return [...this.held.values()].map((h) => {
      const group = { container: h.container.name, image: h.image, digest: h.digest };
      return { id: groupId(group), group, container: h.container };
    });
  }

  private forget(id: string): void {
    this.held.delete(id);
    this.gone.add(id);
    if (this.gone.size > GONE_REMEMBERED) this.gone.delete(this.gone.values().next().value as string);
  }

  nextDeadline(): number | undefined {
    return undefined;
  }

  snapshot(): { held: [string, Held][] } {
    return { held: [...this.held] };
  }

  restore(state: unknown): void {
    const held = (state as { held?: unknown } | undefined)?.held;
    if (!Array.isArray(held)) return;
    for (const entry of held as [string, Held][]) {
      const [id, h] = Array.isArray(entry) ? entry : [];
      if (typeof id === 'string' && h?.container && typeof h.image === 'string' && typeof h.digest === 'string') {
        this.held.set(id, h);
      }
    }
  }
}
