/** Deliveries are retried for this long after the event, then marked failed. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** No single wait is longer than this, so a receiver that recovers hears from us within the hour. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * When to try again after the `attempt`-th failure: exponential backoff (base, 2 × base, 4 × base …,
 * capped) with ±25 % jitter so that many deliveries failing together do not retry together. Null once
 * the next try would fall outside the retry window: the delivery has failed.
 */
export function nextAttemptAt(
  attempt: number,
  createdAt: Date,
  now: Date,
  baseMs: number,
  random: () => number = Math.random,
): Date | null {
  const exponential = Math.min(baseMs * 2 ** Math.min(attempt - 1, 40), MAX_RETRY_DELAY_MS);
  const delay = Math.round(exponential * (0.75 + random() * 0.5));
  const next = new Date(now.getTime() + delay);
  return next.getTime() > createdAt.getTime() + RETRY_WINDOW_MS ? null : next;
}
