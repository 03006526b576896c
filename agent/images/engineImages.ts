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

/** The update check's engine reads through dockerode: `GET /version`, `GET /info`, `GET /images/{id}/json` (reads only). */
export function engineImageSource(docker: Docker): ImageSource {
  return {
    async environment() {
      const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<Record<string, unknown>>]);
      return {
        platform: hostPlatform(version as { Os?: unknown; Arch?: unknown }, info),
        endpoints: new RegistryEndpoints((info.RegistryConfig ?? {}) as Record<string, unknown>),
      };
    },
    async inspect(imageId) {
      try {
        const image = await docker.getImage(imageId).inspect();
        return { id: image.Id, repoDigests: image.RepoDigests ?? [] };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
  };
}
