import type { DeliveryResult } from './notifier';
import { retryAfterMs } from './retryHints';

/** What came back from one POST, as {@link classifyResponse} needs it. */
export type HttpAnswer = {
  /** The notifier's name: errors name it instead of the (secret) URL. */
  name: string;
  status: number;
  headers: Headers;
  body: string;
  /** Strings that must not appear in an error (the URL, header values), replaced by `<secret>`. */
  secrets: readonly string[];
  now: number;
};

const EXCERPT_CHARS = 200;

/**
 * 2xx is delivered; 408, 429 and 5xx are retried (with the endpoint's wait, if it named one); 404 and 410 mean the
 * endpoint is gone; any other status will not change by retrying. Errors carry the status and a short body excerpt.
 */
export function classifyResponse(answer: HttpAnswer): DeliveryResult {
  const { name, status } = answer;
  if (status >= 200 && status < 300) return { ok: true, status };
  const excerpt = bodyExcerpt(answer.body, answer.secrets);
  const detail = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const wait = retryAfterMs(answer.headers, answer.body, answer.now);
    return {
      ok: false,
      retry: true,
      status,
      error: `${name}: ${detail}`,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
  if (status === 404 || status === 410) {
    return { ok: false, retry: false, gone: true, status, error: `${name}: endpoint is gone (${detail})` };
  }
  return { ok: false, retry: false, status, error: `${name}: rejected (${detail})` };
}

/** The body on one line, at most 200 characters, with every secret replaced. */
export function bodyExcerpt(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('<secret>');
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text;
}
