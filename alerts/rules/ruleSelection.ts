import type { ContainerSelector } from '../../config/containerSelector';
import { matchesSelector } from '../../config/containerSelector';
import type { ContainerRef } from '../inputs';

const MAX_CACHED = 10_000;

/** Which containers a rule looks at (all watched ones without a selector), remembered per container id and name. */
export class RuleSelection {
  private readonly cache = new Map<string, boolean>();

  constructor(private readonly selector: ContainerSelector | undefined) {}

  /** Whether the rule looks at this container. */
  has(container: ContainerRef): boolean {
    if (!this.selector) return true;
    const key = `${container.id}/${container.name}`;
    let selected = this.cache.get(key);
    if (selected === undefined) {
      selected = matchesSelector({ name: container.name, labels: { ...container.labels } }, this.selector);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, selected);
    }
    return selected;
  }
}
