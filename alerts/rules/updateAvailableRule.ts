import type { EventRule } from '../alertRule';
import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import type { Condition, EvaluationContext, RuleEvaluator, RuleInput } from './ruleEvaluator';
import { RuleSelection } from './ruleSelection';

/** An update found for one container: the tag it runs and the digest of the image the tag now points to. */
type Held = { container: ContainerRef; image: string; digest: string; at: number };

/**
 * `event: update-available`: holds per container from the check that found its tag pointing to another image until a
 * check finds it running the tag's image again (after a deploy, a pull and recreate, or the tag moving back) or the
 * container is removed (a deploy replaces it). The alert's grouping labels are `container`, `image` and `digest`, so
 * every later round that finds the same digest keeps the one alert, and only a new push (another digest) makes a new
 * alert (the previous one resolves).
 */
export class UpdateAvailableEvaluator implements RuleEvaluator {
  private readonly selection: RuleSelection;
  private readonly held = new Map<string, Held>();

  constructor(rule: EventRule) {
    this.selection = new RuleSelection(rule.containers);
  }

  observe(input: RuleInput, now: number): boolean {
    if (input.type === 'event') {
      if (input.event.action === 'destroy') this.held.delete(input.event.container.id);
      return false;
    }
    if (input.type !== 'update') return false;
    const { container, image, available, digest } = input.update;
    if (!this.selection.has(container)) return false;
    if (!available || digest === undefined) {
      this.held.delete(container.id);
      return false;
    }
    const prev = this.held.get(container.id);
    if (prev?.digest !== digest || prev.image !== image)
      this.held.set(container.id, { container, image, digest, at: now });
    return true;
  }

  conditions(_ctx: EvaluationContext): Condition[] {
    return [...this.held.values()].map((h) => {
      const group = { container: h.container.name, image: h.image, digest: h.digest };
      return { id: groupId(group), group, container: h.container };
    });
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
