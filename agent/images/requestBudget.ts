/** A registry's request budget for this round is spent; its remaining images wait for the next round. */
export class BudgetExhaustedError extends Error {
  constructor(readonly registry: string) {
    super(`the request budget for registry ${registry} is spent for this round`);
    this.name = 'BudgetExhaustedError';
  }
}

/** How many requests each registry may still get in one round of the update check (`requestsPerRegistry`). */
export class RequestBudget {
  private readonly spentBy = new Map<string, number>();

  constructor(private readonly perRegistry: number) {}

  /** Counts one request to `registry`; throws BudgetExhaustedError (sending nothing) when its budget is spent. */
  take(registry: string): void {
    const spent = this.spentBy.get(registry) ?? 0;
    if (spent >= this.perRegistry) throw new BudgetExhaustedError(registry);
    this.spentBy.set(registry, spent + 1);
  }

  /** Whether nothing is left for `registry`. */
  exhausted(registry: string): boolean {
    return (this.spentBy.get(registry) ?? 0) >= this.perRegistry;
  }

  /** Requests sent to `registry` this round. */
  spent(registry: string): number {
    return this.spentBy.get(registry) ?? 0;
  }

  /** Requests per registry this round. */
  entries(): [string, number][] {
    return [...this.spentBy];
  }
}
