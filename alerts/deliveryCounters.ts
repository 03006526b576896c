/** What became of one delivery attempt (or of a delivery that waited too long), as counted for metrics. */
export const DELIVERY_OUTCOMES = ['sent', 'retried', 'failed', 'gone', 'expired'] as const;

/** One of {@link DELIVERY_OUTCOMES}. */
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One counter value: deliveries of a notifier with one outcome. */
export type DeliveryCount = { notifier: string; outcome: DeliveryOutcome; count: number };

/** Delivery outcomes counted per notifier since start; every outcome of a known notifier exists from zero. */
export class DeliveryCounters {
  private readonly counts = new Map<string, Record<DeliveryOutcome, number>>();

  /** Makes the counters of a notifier exist (at zero) before anything happens to it. */
  declare(notifier: string): void {
    this.of(notifier);
  }

  /** Adds `n` to one counter. */
  add(notifier: string, outcome: DeliveryOutcome, n = 1): void {
    this.of(notifier)[outcome] += n;
  }

  /** Every counter, by notifier in the order first seen, outcomes in {@link DELIVERY_OUTCOMES} order. */
  values(): DeliveryCount[] {
    return [...this.counts].flatMap(([notifier, counts]) =>
      DELIVERY_OUTCOMES.map((outcome) => ({ notifier, outcome, count: counts[outcome] })),
    );
  }

  private of(notifier: string): Record<DeliveryOutcome, number> {
    let counts = this.counts.get(notifier);
    if (!counts) {
      counts = { sent: 0, retried: 0, failed: 0, gone: 0, expired: 0 };
      this.counts.set(notifier, counts);
    }
    return counts;
  }
}
