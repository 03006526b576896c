import { ActionError } from '../actions/actionError';

/** What a pull error message needs to know besides the engine's words. */
export type PullErrorContext = {
  /** The reference as pulled, normalised (`127.0.0.1:5000/app:v1`). */
  ref: string;
  /** Its registry host (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Where credentials came from, secret-free: `credentials for X from the config`, `no credentials configured …`. */
  credentials: string;
  /** Whether any credentials were sent. */
  hadCredentials: boolean;
  /** Strings that must never be shown (the password sent), scrubbed from the engine's words. */
  secrets: readonly string[];
};

/** Kinds of pull failure, each with its own message. */
export type PullFailureKind = 'not-found' | 'denied' | 'unreachable' | 'invalid' | 'other';

const MAX_ENGINE_TEXT = 300;

/** Classifies the engine's words for a failed pull. */
export function pullFailureKind(engineText: string): PullFailureKind {
  const text = engineText.toLowerCase();
  if (/invalid reference format|invalid tag format|repository name must/.test(text)) return 'invalid';
  if (/pull access denied|repository does not exist/.test(text)) return 'not-found';
  if (/manifest unknown|name unknown|not found|no such image|manifest for .* not found/.test(text)) return 'not-found';
  if (/unauthorized|authentication required|no basic auth credentials|access.*denied|denied|forbidden/.test(text)) {
    return 'denied';
  }
  if (
    /connection refused|no such host|i\/o timeout|dial tcp|timeout|tls handshake|x509|certificate|network is unreachable|no route to host|connection reset|server gave http response|eof|deadline exceeded|temporary failure in name resolution/.test(
      text,
    )
  ) {
    return 'unreachable';
  }
  return 'other';
}

/** The engine's error text without dockerode's `(HTTP code 500) server error - ` prefix, secrets scrubbed, cut. */
export function engineWords(message: string, secrets: readonly string[]): string {
  let text = message.replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('<secret>');
  return text.length > MAX_ENGINE_TEXT ? `${text.slice(0, MAX_ENGINE_TEXT)}…` : text;
}

/** The ActionError a failed pull becomes: what went wrong in words a user can act on, the engine's own in brackets. */
export function pullError(engineMessage: string, ctx: PullErrorContext): ActionError {
  const words = engineWords(engineMessage, ctx.secrets);
  switch (pullFailureKind(words)) {
    case 'not-found':
      return new ActionError(
        'not-found',
        `image ${ctx.ref} was not found: registry ${ctx.registry} has no such repository or tag` +
          `${ctx.hadCredentials ? '' : ` (or it needs credentials: ${ctx.credentials})`} [${words}]`,
      );
    case 'denied':
      return new ActionError(
        'failed',
        ctx.hadCredentials
          ? `access to ${ctx.ref} was denied by registry ${ctx.registry}: the ${ctx.credentials} were refused [${words}]`
          : `access to ${ctx.ref} was denied by registry ${ctx.registry}: ${ctx.credentials} ` +
              `(add it to registries: in the config or log in with docker login) [${words}]`,
      );
    case 'unreachable':
      return new ActionError('failed', `registry ${ctx.registry} is unreachable for ${ctx.ref} [${words}]`);
    case 'invalid':
      return new ActionError('failed', `the engine refused the image reference ${ctx.ref} [${words}]`);
    case 'other':
      return new ActionError('failed', `pulling ${ctx.ref} failed [${words}]`);
  }
}
