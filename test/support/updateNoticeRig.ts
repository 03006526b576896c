import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAgentConfig, type AgentProcess } from './ctlProcess';
import { dockerRun } from './dockerRun';
import { removeTestContainers } from './engine';
import { freePort } from './freePort';
import { removeKeepTags } from './keepTags';
import { startRecordingServer, type RecordingServer } from './recordingServer';
import { pushTestApp, pushTestAppAs, startRegistry, type PushedTestApp, type RunningRegistry } from './registry';

/** What an update-notice test runs against: a registry, a container of its `latest`, a webhook, an agent config. */
export type UpdateNoticeRig = {
  /** The container, `dwtest-<tag>-<random>`, running `<registry>/<repo>:latest` (v1). */
  name: string;
  repo: string;
  registry: RunningRegistry;
  app: PushedTestApp;
  hook: RecordingServer;
  /** An agent config: update checks every 10 s, rule `event: update-available` to the webhook at `/hook`. */
  configFile: string;
  /** The agent's metrics and control port in that config. */
  port: number;
  /** The notices' `status` fields, in the order the webhook got them. */
  statuses(): string[];
  /** Stops `agent` (printing its log when DOCKWATCH_TEST_LOG is set) and removes all the rig made. */
  stop(agent: AgentProcess | undefined): Promise<void>;
};

/** Sets up an {@link UpdateNoticeRig}; `tag` names its container, repository and temporary dir. */
export async function startUpdateNoticeRig(tag: string): Promise<UpdateNoticeRig> {
  const port = await freePort();
  const suffix = randomBytes(3).toString('hex');
  const name = `dwtest-${tag}-${suffix}`;
  const repo = `dwtest/${tag}-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), `dockwatch-${tag}-`));
  const configFile = join(dir, 'dockwatch.yaml');
  const hook = await startRecordingServer();
  const registry = await startRegistry();
  const app = await pushTestApp(registry, repo);
  const latest = (await pushTestAppAs(registry, repo, 'v1', 'latest')).ref;
  await dockerRun(name, latest, ['-e', 'GREETING=hello', '--stop-timeout', '1']);
  writeAgentConfig(configFile, { dataDir: join(dir, 'store'), port }, [
    'images: { updateCheck: { interval: 10s } }',
    'alerts:',
    '  groupWait: 0s',
    '  rules: [{ name: update, kind: event, event: update-available }]',
    '  routes: [{ notifiers: [hook] }]',
    `notifiers: [{ name: hook, type: webhook, url: "${hook.url}/hook" }]`,
  ]);
  return {
    name,
    repo,
    registry,
    app,
    hook,
    configFile,
    port,
    statuses: () => hook.requestsTo('/hook').map((r) => (JSON.parse(r.body) as { status: string }).status),
    async stop(agent) {
      if (process.env.DOCKWATCH_TEST_LOG) process.stderr.write(agent?.log() ?? '');
      await agent?.stop();
      await removeTestContainers();
      await removeKeepTags([name]);
      await registry.stop();
      await hook.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
