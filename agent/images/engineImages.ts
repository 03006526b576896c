import type Docker from 'dockerode';
import { hostPlatform } from '../registry/hostPlatform';
import type { Platform } from '../registry/manifests';
import { RegistryEndpoints } from '../registry/registryEndpoint';

/** What the update check reads from the engine once per round: the platform it pulls for and its registry settings. */
export type EngineImageEnvironment = { platform: Platform; endpoints: RegistryEndpoints };

/** A local image as the update check needs it. */
export type InspectedImage = { id: string; repoDigests: string[] };

/** The engine side of the update check, an interface so rounds are tested against a scripted engine too. */
export type ImageSource = {
  environment(): Promise<EngineImageEnvironment>;
  /** The image, or undefined when the engine no longer has it. */
  inspect(imageId: string): Promise<InspectedImage | undefined>;
};

/** How long one engine read of the update check may take before the round gives up on it. */
export const ENGINE_READ_TIMEOUT_MS = 30_000;

/** `promise`, or a rejection naming `what` once `ms` passed (a stalled engine never hangs a round for good). */
function withTimeout<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the engine did not answer ${what} within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The update check's engine reads through dockerode: `GET /version`, `GET /info`, `GET /images/{id}/json` (reads only). */
export function engineImageSource(docker: Docker, timeoutMs = ENGINE_READ_TIMEOUT_MS): ImageSource {
  return {
    async environment() {
      const [version, info] = await withTimeout(
        Promise.all([docker.version(), docker.info() as Promise<Record<string, unknown>>]),
        'GET /version and /info',
        timeoutMs,
      );
      return {
        platform: hostPlatform(version as { Os?: unknown; Arch?: unknown }, info),
        endpoints: new RegistryEndpoints((info.RegistryConfig ?? {}) as Record<string, unknown>),
      };
    },
    async inspect(imageId) {
      try {
        const image = await withTimeout(docker.getImage(imageId).inspect(), `GET /images/${imageId}/json`, timeoutMs);
        return { id: image.Id, repoDigests: image.RepoDigests ?? [] };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
  };
}
