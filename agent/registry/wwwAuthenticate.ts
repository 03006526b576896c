/** One challenge of a `WWW-Authenticate` header: its scheme (lowercased) and its parameters (names lowercased). */
export type AuthChallenge = { scheme: string; params: Record<string, string> };

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y;
/** Unquoted parameter values, read leniently (a realm URL is sometimes sent unquoted). */
const BARE_VALUE = /[^\s,"]+/y;

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges, e.g. `Bearer realm="https://auth.io/token",
 * service="registry.io",scope="repository:app:pull"` or `Basic realm="Registry"`; several challenges may share one
 * header, separated by commas. Quoted values may hold commas and escaped quotes. Malformed parts end the parse; what
 * was read before them is returned.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;
  const skipSpace = () => {
    while (pos < header.length && (header[pos] === ' ' || header[pos] === '\t')) pos++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(header);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const quoted = (): string | undefined => {
    if (header[pos] !== '"') return undefined;
    let out = '';
    for (pos++; pos < header.length; pos++) {
      const c = header[pos] as string;
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === '\\' && pos + 1 < header.length) pos++;
      out += header[pos];
    }
    return undefined;
  };
  const skipCommas = () => {
    for (skipSpace(); header[pos] === ','; skipSpace()) pos++;
  };

  skipCommas();
  while (pos < header.length) {
    const scheme = match(TOKEN);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skipSpace();
    const before = pos;
    const token68 = match(TOKEN68);
    skipSpace();
    if (token68 !== undefined && (pos >= header.length || header[pos] === ',')) {
      challenge.params[''] = token68;
      skipCommas();
      continue;
    }
    pos = before;
    for (;;) {
      const start = pos;
      const name = match(TOKEN);
      skipSpace();
      if (!name || header[pos] !== '=') {
        pos = start;
        break;
      }
      pos++;
      skipSpace();
      const value = header[pos] === '"' ? quoted() : match(BARE_VALUE);
      if (value === undefined) return challenges;
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (header[pos] !== ',') break;
      skipCommas();
      const next = pos;
      const word = match(TOKEN);
      skipSpace();
      const isParam = word !== undefined && header[pos] === '=';
      pos = next;
      if (!isParam) break;
    }
    skipCommas();
  }
  return challenges;
}
