import { yieldToForeground } from '../../shared/foregroundWork';

/**
 * How many containers a cgroup collector reads between two yields to the event loop. Files are read synchronously
 * (far cheaper than fs/promises for kernel files), so a pass is cut into slices this size to keep /metrics and the
 * event stream responsive: ~16 containers take ~2 ms here.
 */
export const CONTAINERS_PER_SLICE = 16;

/** Runs `fn` over the items in order, yielding to the event loop (and to a scrape being sent) after every slice. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % CONTAINERS_PER_SLICE === 0) await yieldToForeground();
    out.push(await fn(items[i] as T));
  }
  return out;
}
