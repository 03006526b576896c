import type { Notification } from '../alert';
import type { NotifierType } from '../../config/notifiersSchema';

export { NOTIFIER_TYPES, type NotifierType } from '../../config/notifiersSchema';

/**
 * What one delivery attempt came to. `retry` is false for answers that will not change by trying again (4xx other
 * than 408/429); `gone` marks an endpoint that no longer exists (404/410 on a webhook); `retryAfterMs` is the wait the
 * endpoint asked for (Retry-After, `retry_after`, X-RateLimit-Reset-After).
 */
export type DeliveryResult =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; gone?: boolean; retryAfterMs?: number; status?: number; error: string };

/** A destination for notifications; it renders and sends, the outbox decides when and how often. */
export interface Notifier {
  readonly name: string;
  readonly type: NotifierType;
  /** When set, firing alerts are sent again this often while they fire (Alertmanager expires what is not re-sent). */
  readonly resendIntervalMs?: number;
  /** Sends one notification; never throws, and never puts the endpoint's URL or secrets into `error`. */
  deliver(notification: Notification, signal: AbortSignal): Promise<DeliveryResult>;
}
