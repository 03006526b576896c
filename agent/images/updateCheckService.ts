import type Docker from 'dockerode';
import type { ImagesConfig } from '../../config/imagesSchema';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Logger } from '../../shared/logger';
import type { RegistryCredentials } from '../registry/registryCredentials';
import { RegistryClient } from '../registry/registryClient';
import { RegistryEndpoints } from '../registry/registryEndpoint';
import { engineImageSource } from './engineImages';
import { UpdateChecker, type UpdateNotice } from './updateChecker';

/** What the agent hands the update check. */
export type UpdateCheckWiring = {
  config: ImagesConfig['updateCheck'];
  credentials: Pick<RegistryCredentials, 'for'>;
  /** The connected engine, undefined while it is unreachable (no round runs then). */
  docker: () => Docker | undefined;
  /** The watched containers (the check takes the running ones). */
  containers: () => ContainerRecord[];
  onNotice: (notice: UpdateNotice) => void;
  logger: Logger;
};

/**
 * The agent's update check: a registry client with the configured credentials, reading the engine's registry settings
 * (insecure registries) and platform at every round, over the engine of the moment. Call `start()` to schedule it.
 */
export function createUpdateChecker(w: UpdateCheckWiring): UpdateChecker {
  let sourceFor: { docker: Docker; source: ReturnType<typeof engineImageSource> } | undefined;
  const fallbackEndpoints = new RegistryEndpoints();
  const checker: UpdateChecker = new UpdateChecker({
    config: w.config,
    client: new RegistryClient({
      endpoints: () => checker.endpoints ?? fallbackEndpoints,
      credentials: (registry) => w.credentials.for(registry),
    }),
    source: () => {
      const docker = w.docker();
      if (!docker) return undefined;
      if (sourceFor?.docker !== docker) sourceFor = { docker, source: engineImageSource(docker) };
      return sourceFor.source;
    },
    containers: w.containers,
    onNotice: w.onNotice,
    logger: w.logger,
  });
  return checker;
}
