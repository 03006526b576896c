import type Docker from 'dockerode';
import { ActionError } from '../actions/actionError';
import { formatImageRef, imageName, ImageRefError, parseImageRef, type ImageRef } from '../registry/imageRef';
import type { RegistryCredentials } from '../registry/registryCredentials';
import type { ImagePuller, PullResult } from './imagePuller';
import { pullError, type PullErrorContext } from './pullErrors';
import { PullProgressTracker, type PullEvent } from './pullProgress';

/** What the engine puller works with: the connected engine (undefined while unreachable) and the credentials. */
export type EnginePullerDeps = {
  docker: () => Docker | undefined;
  credentials: RegistryCredentials;
};

/** Parses a reference for a pull; an invalid one is an ActionError naming it (nothing reaches the engine). */
export function pullRef(ref: string): ImageRef {
  try {
    return parseImageRef(ref);
  } catch (err) {
    if (err instanceof ImageRefError) throw new ActionError('failed', err.message);
    throw err;
  }
}

/**
 * The ImagePuller over the engine (`POST /images/create` through dockerode): the reference validated first, the
 * registry's credentials sent as X-Registry-Auth, progress folded per layer, failures turned into ActionErrors that
 * say what went wrong (not found, denied with where the credentials came from, unreachable), never a password.
 */
export function enginePuller(deps: EnginePullerDeps): ImagePuller {
  return async (ref, options) => {
    const parsed = pullRef(ref);
    const full = formatImageRef(parsed);
    const docker = deps.docker();
    if (!docker) throw new ActionError('engine-unreachable', 'the Docker engine is unreachable');
    const auth = deps.credentials.engineAuth(parsed.registry);
    const context: PullErrorContext = {
      ref: full,
      registry: parsed.registry,
      credentials: deps.credentials.describeSource(parsed.registry),
      hadCredentials: auth !== undefined,
      secrets: auth ? [auth.password] : [],
    };
    const tracker = new PullProgressTracker();
    const request = {
      fromImage: imageName(parsed),
      tag: parsed.digest ?? parsed.tag ?? 'latest',
      ...(options.signal && { abortSignal: options.signal }),
    };
    try {
      const stream = (await docker.createImage(auth as never, request as never)) as unknown as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        docker.modem.followProgress(
          stream,
          (err: Error | null) => (failed ? undefined : err ? reject(err) : resolve()),
          (event: PullEvent) => {
            if (failed) return;
            const error = event.errorDetail?.message ?? event.error;
            if (error !== undefined) {
              failed = true;
              reject(new Error(error));
              return;
            }
            if (tracker.add(event)) options.onProgress?.(tracker.progress());
          },
        );
      });
    } catch (err) {
      if (options.signal?.aborted) throw new ActionError('failed', `the pull of ${full} was cancelled`);
      if (err instanceof ActionError) throw err;
      const message = (err as Error).message ?? String(err);
      if ((err as { statusCode?: number }).statusCode === undefined && isEngineConnectionError(err)) {
        throw new ActionError('engine-unreachable', `the Docker engine is unreachable (${message})`);
      }
      throw pullError(message, context);
    }
    const local = parsed.digest ? `${imageName(parsed)}@${parsed.digest}` : `${imageName(parsed)}:${parsed.tag}`;
    const image = await docker.getImage(local).inspect();
    const result: PullResult = {
      ref: full,
      imageId: image.Id,
      upToDate: tracker.upToDate,
      ...((tracker.digest ?? parsed.digest) !== undefined && { digest: tracker.digest ?? parsed.digest }),
    };
    return result;
  };
}

function isEngineConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE';
}
