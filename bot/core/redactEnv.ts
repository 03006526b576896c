/** Env keys whose values are secret unless the role may see secrets. */
export const SECRET_ENV_KEY = /pass|secret|token|key|auth|credential/i;

/** What a hidden value reads as. */
export const REDACTED = '<redacted>';

/** `KEY=VALUE` lines with secret-looking keys' values hidden, unless `seeSecrets`. */
export function redactEnv(env: readonly string[], seeSecrets: boolean): string[] {
  if (seeSecrets) return [...env];
  return env.map((line) => {
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq);
    return eq !== -1 && SECRET_ENV_KEY.test(key) ? `${key}=${REDACTED}` : line;
  });
}
