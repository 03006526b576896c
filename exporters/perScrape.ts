/** Wraps `read` so the families of one scrape share one reading (it is read again after `maxAgeMs`). */
export function perScrape<T>(read: () => T, maxAgeMs = 250, now: () => number = Date.now): () => T {
  let at = -Infinity;
  let value: T;
  return () => {
    const t = now();
    if (t - at >= maxAgeMs) {
      value = read();
      at = t;
    }
    return value;
  };
}
