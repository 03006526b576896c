import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { testDocker, TEST_LABEL, waitFor } from './engine';
import { runTool, type ToolResult } from './toolRun';

/** The bridge Swarm creates for overlay networks' egress; `swarm leave` does not remove it. */
const GWBRIDGE = 'docker_gwbridge';

/**
 * Written when a test initialises the Swarm and removed when it leaves it: a run killed in between (the swarm still
 * active) is recognised by the next one, which then leaves the swarm at its end as the killed run would have.
 */
const MARKER = join(process.env.DOCKWATCH_STATE_DIR ?? '/tmp/dockwatch-test', 'swarm-initialised-by-tests.json');

/** What this test process did to the engine's Swarm state, so it can put it back. */
export type SwarmSession = { initialisedHere: boolean; gwbridgeExisted: boolean };

async function docker(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}) {
  return runTool('docker', args, { timeoutMs: 120_000, ...opts });
}

function must(what: string, result: ToolResult): string {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${String(result.code)}):\n${result.output}`);
  return result.output;
}

/**
 * Makes the test engine a Swarm manager: reuses it when it already is one, else `docker swarm init` (single node,
 * advertised on loopback). Fails, naming the state, when the engine is a worker or half-joined.
 */
export async function ensureSwarmManager(): Promise<SwarmSession> {
  const info = await testDocker().info();
  const swarm = (info as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }).Swarm;
  if (swarm?.LocalNodeState === 'active' && swarm.ControlAvailable) {
    if (!existsSync(MARKER)) return { initialisedHere: false, gwbridgeExisted: true };
    return JSON.parse(readFileSync(MARKER, 'utf8')) as SwarmSession; // left by a killed test run
  }
  if (swarm?.LocalNodeState !== 'inactive') {
    throw new Error(`the engine is in Swarm state "${swarm?.LocalNodeState ?? 'unknown'}" and not a manager`);
  }
  const session: SwarmSession = {
    initialisedHere: true,
    gwbridgeExisted: (await docker(['network', 'inspect', GWBRIDGE])).code === 0,
  };
  mkdirSync(dirname(MARKER), { recursive: true });
  writeFileSync(MARKER, JSON.stringify(session));
  must('docker swarm init', await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']));
  return session;
}

/**
 * Leaves the Swarm only if {@link ensureSwarmManager} created it, and then removes the docker_gwbridge network that
 * `swarm init` created (leaving keeps it), so the engine is left as the test found it.
 */
export async function restoreSwarm(session: SwarmSession | undefined): Promise<void> {
  if (!session?.initialisedHere) return;
  must('docker swarm leave', await docker(['swarm', 'leave', '--force']));
  if (!session.gwbridgeExisted) await docker(['network', 'rm', GWBRIDGE]); // fails harmlessly while in use
  rmSync(MARKER, { force: true });
}

/** Removes stacks whose name starts with `prefix` (left by killed test runs) and the secrets labelled as test ones. */
export async function removeLeftovers(prefix: string): Promise<void> {
  const stacks = await docker(['stack', 'ls', '--format', '{{.Name}}']);
  for (const stack of stacks.output.split('\n').filter((name) => name.startsWith(prefix))) await removeStack(stack);
  const leftover = await testDocker().listSecrets({ filters: { label: [`${TEST_LABEL}=1`] } });
  await removeSecrets(leftover.map((secret) => secret.Spec?.Name ?? '').filter(Boolean));
}

/** Creates a Swarm secret labelled as a test object; returns its name. */
export async function createSecret(name: string, value: string): Promise<string> {
  await testDocker().createSecret({
    Name: name,
    Labels: { [TEST_LABEL]: '1' },
    Data: Buffer.from(value).toString('base64'),
  });
  return name;
}

/** Removes Swarm secrets by name, waiting while a service being removed still holds them. */
export async function removeSecrets(names: string[]): Promise<void> {
  for (const name of names) {
    await waitFor(
      async () => {
        const result = await docker(['secret', 'rm', name]);
        return result.code === 0 || /not found|no such secret/i.test(result.output);
      },
      { what: `secret ${name} to be removable`, timeoutMs: 60_000, intervalMs: 1000 },
    );
  }
}

/** `docker stack deploy` of a stack file with the given environment (for its ${...} variables). */
export async function deployStack(file: string, stack: string, env: Record<string, string>, cwd: string) {
  return must(
    `docker stack deploy ${stack}`,
    await docker(['stack', 'deploy', '--resolve-image', 'never', '-c', file, stack], {
      cwd,
      env: { ...process.env, ...env },
    }),
  );
}

/** Removes a stack and waits until its tasks' containers and its networks are gone. */
export async function removeStack(stack: string): Promise<void> {
  await docker(['stack', 'rm', stack]);
  await waitFor(
    async () => {
      const containers = await testDocker().listContainers({
        all: true,
        filters: { label: [`com.docker.stack.namespace=${stack}`] },
      });
      const networks = await testDocker().listNetworks({ filters: { label: [`com.docker.stack.namespace=${stack}`] } });
      return containers.length === 0 && networks.length === 0;
    },
    { what: `stack ${stack} to be removed`, timeoutMs: 90_000, intervalMs: 1000 },
  );
}

/** The current state of a service's tasks (`docker service ps`), e.g. ["Running 5 seconds ago"]. */
export async function taskStates(service: string): Promise<string[]> {
  const out = await docker([
    'service',
    'ps',
    '--filter',
    'desired-state=running',
    '--format',
    '{{.CurrentState}}',
    service,
  ]);
  return out.code === 0 ? out.output.split('\n').filter(Boolean) : [];
}

/** A service's logs (all its tasks), for failure messages and secret checks. */
export async function serviceLogs(service: string): Promise<string> {
  return (await docker(['service', 'logs', '--raw', service], { timeoutMs: 30_000 })).output;
}
