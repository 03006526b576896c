import type { DeliveryResult, Notifier } from '../../../alerts/notifiers/notifier';
import type { OutboxTimers } from '../../../alerts/outbox';
import { T0 } from './sampleNotifications';

/** The outbox's clock and timers, moving only when the test says so. */
export class ManualTime implements OutboxTimers {
  now = T0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Delays of the timers now set, soonest first. */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order and letting deliveries settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
      await settle();
    }
    this.now = target;
  }
}

/** Lets deliveries in flight settle (a few turns of the event loop). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A notifier that answers from a script (then 2xx) and records the ids it was asked to send. */
export function scripted(name: string, ...answers: DeliveryResult[]): Notifier & { sent: string[] } {
  const sent: string[] = [];
  return {
    name,
    type: 'webhook',
    sent,
    deliver: async (notification) => {
      sent.push(notification.id);
      return answers.shift() ?? { ok: true, status: 204 };
    },
  };
}
