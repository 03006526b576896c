/** The newest Engine API version this code knows; a newer engine is spoken to at this version. */
export const CLIENT_MAX_API_VERSION = '1.51';

/** Compares dotted API versions numerically: negative when a < b. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Picks the API version to speak, as the docker CLI does: the engine's own version capped at ours, never below the
 * engine's minimum (Docker 29 refuses anything below 1.44; Debian's 20.10 speaks 1.41).
 */
export function negotiateApiVersion(serverVersion: string, serverMin?: string): string {
  let v = compareApiVersions(serverVersion, CLIENT_MAX_API_VERSION) < 0 ? serverVersion : CLIENT_MAX_API_VERSION;
  if (serverMin && compareApiVersions(v, serverMin) < 0) v = serverMin;
  return v;
}
