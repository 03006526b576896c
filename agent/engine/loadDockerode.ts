import type Dockerode from 'dockerode';
import Module from 'node:module';

type DockerodeClass = typeof Dockerode;

/** dockerode modules the agent never uses: BuildKit sessions (gRPC, protobuf) and the ssh:// transport. */
const UNUSED = ['dockerode/lib/session', 'docker-modem/lib/ssh'];

let loaded: DockerodeClass | undefined;

/**
 * Loads dockerode without its BuildKit session and SSH transport, which it requires eagerly: they pull in gRPC,
 * protobufjs and ssh2 and cost ~11 MB of resident memory per agent. Using either throws a clear error.
 */
export function loadDockerode(): DockerodeClass {
  if (loaded) return loaded;
  for (const id of UNUSED) {
    const path = require.resolve(id);
    if (require.cache[path]) continue;
    const stub = new Module(path);
    stub.filename = path;
    stub.loaded = true;
    stub.exports = () => {
      throw new Error(`${id} is not available in dockwatch (no BuildKit builds, no ssh:// engines)`);
    };
    require.cache[path] = stub;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the stubs are in place
  loaded = require('dockerode') as DockerodeClass;
  return loaded;
}
