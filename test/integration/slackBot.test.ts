import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Alert } from '../../alerts/alert';
import { createSlackAdapter, type SlackAdapter } from '../../bot/adapters/slack/slackAdapter';
import { alertMessage } from '../../bot/alertMessage';
import { AuditLog } from '../../bot/core/audit';
import { buildCommandCore } from '../../bot/index';
import { InProcessAgent } from '../../api/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import type { BotConfig, SlackConfig } from '../../config/botSchema';
import { loadConfig } from '../../config/load';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import {
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE_V1,
  TEST_IMAGE_V2,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testDocker,
  testRunId,
  waitFor,
} from '../support/engine';
import { removeKeepTags } from '../support/keepTags';
import { blocksText, buttonsIn, FakeSlack } from '../support/fakeSlack';

const TOKEN = 'xoxb-0000-test-bot-token';
const APP_TOKEN = 'xapp-1-test-app-token';
const SECRET = 'test-signing-secret-0123456789';
const ADMIN = 'U0ADMIN';
const OTHER_ADMIN = 'U0OTHER';
const VIEWER = 'U0VIEWER';
const CHANNEL = 'C0OPS';
const ALERTS = 'C0ALERTS';
const HOST = 'slack-host';

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-slack-'));
const logLines: string[] = [];
const logger = winston.createLogger({
  level: 'debug',
  format: winston.format.json(),
  transports: [
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(chunk.toString('utf8'));
          if (process.env.DOCKWATCH_TEST_LOG) process.stderr.write(chunk);
          done();
        },
      }),
    }),
  ],
});

const docker = (...args: string[]) => promisify(execFile)('docker', args).then((r) => r.stdout.trim());
const ROLLBACK_APP = `dwtest-slack-rb-${randomBytes(3).toString('hex')}`;

/** `docker run -d` of a test image under a fixed name, with the test labels. */
function dockerRun(image: string): Promise<string> {
  const labels = ['--label', `${TEST_LABEL}=1`, '--label', `${TEST_RUN_LABEL}=${testRunId}`];
  return docker('run', '-d', '--name', ROLLBACK_APP, ...labels, '--stop-timeout', '1', image, 'sleep', '3600');
}

async function state(id: string): Promise<string> {
  return (await testDocker().getContainer(id).inspect()).State.Status;
}

describe('Slack adapter (real @slack/bolt against a fake Slack, real engine)', () => {
  let fake: FakeSlack;
  let testAgent: TestAgent;
  let adapter: SlackAdapter;
  let socketAdapter: SlackAdapter;
  let slackConfig: SlackConfig;
  let botConfig: BotConfig;
  let audit: AuditLog;
  let app: { id: string; name: string };
  let victim: { id: string; name: string };

  beforeAll(async () => {
    [app, victim] = await Promise.all([
      runTestContainer({
        name: 'slack-app',
        cmd: [
          'sh',
          '-c',
          'i=0; while [ $i -lt 300 ]; do echo "line-$i of the app log"; i=$((i+1)); done; exec sleep 600',
        ],
        stopTimeoutSeconds: 1,
      }),
      runTestContainer({ name: 'slack-victim', cmd: ['sleep', '600'], stopTimeoutSeconds: 1 }),
    ]);
    fake = await FakeSlack.start({
      token: TOKEN,
      signingSecret: SECRET,
      userGroups: [{ id: 'S0VIEWERS', handle: 'viewers', users: [VIEWER] }],
      appToken: APP_TOKEN,
    });
    const yaml = `agent:
  hostName: ${HOST}
containers:
  include: { labels: { dockwatch.test.run: "${testRunId}" } }
bot:
  slack:
    token: ${TOKEN}
    signingSecret: ${SECRET}
    listen: 127.0.0.1:0
    alertChannel: ${ALERTS}
    apiUrl: ${fake.apiUrl}
  roles:
    viewer: { commands: [ps, logs, stats, inspect, audit, help] }
    admin: { commands: ["*"] }
  members:
    - { role: admin, slackUsers: [${ADMIN}, ${OTHER_ADMIN}] }
    - { role: viewer, slackGroups: [viewers] }
`;
    const file = join(dir, 'dockwatch.yaml');
    writeFileSync(file, yaml);
    const config = loadConfig({ file, env: {} });
    testAgent = await startTestAgent(yaml);
    const agent = new InProcessAgent(testAgent.agent, { config, actions: testAgent.agent.actions });
    await waitFor(async () => (await agent.containers()).filter((c) => c.state === 'running').length === 2, {
      what: 'both test containers in the inventory',
      timeoutMs: 30_000,
    });
    const store = testAgent.agent.store;
    const core = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([agent]), store, logger });
    audit = new AuditLog(store, logger, Date.now);
    const slack = config.bot.slack;
    if (!slack) throw new Error('the test config has no bot.slack');
    slackConfig = slack;
    botConfig = config.bot;
    adapter = createSlackAdapter({ config: slack, core, logger });
    await adapter.start();
    fake.appUrl = `http://127.0.0.1:${adapter.address()?.port}/slack/events`;
    socketAdapter = createSlackAdapter({ config: { ...slack, socketMode: true, appToken: APP_TOKEN }, core, logger });
    await socketAdapter.start();
  });

  afterAll(async () => {
    try {
      await adapter?.stop();
      await socketAdapter?.stop();
      await fake?.stop();
      await testAgent?.stop();
    } finally {
      await removeTestContainers();
      await removeKeepTags([ROLLBACK_APP]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies the token with auth.test at start', () => {
    expect(fake.callsOf('auth.test')[0]?.token).toBe(TOKEN);
  });

  it('fails to start with a clear error when Slack refuses the token, without showing it', async () => {
    const core = buildCommandCore({
      bot: { ...botConfig, members: [] },
      fleet: new StaticFleet([]),
      store: testAgent.agent.store,
      logger,
    });
    const config = { ...slackConfig, token: 'xoxb-wrong-token-42' };
    const refused = createSlackAdapter({ config, core, logger });
    const started = refused.start();
    await expect(started).rejects.toThrow(
      'Slack did not accept bot.slack.token (auth.test): An API error occurred: invalid_auth',
    );
    await expect(started.catch((err: Error) => err.message)).resolves.not.toContain('xoxb-wrong');
    await refused.stop();
  });

  it('answers `/dockwatch ps` of an admin in the channel with a Block Kit table of the containers', async () => {
    const sent = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: 'ps' });
    expect(sent.status).toBe(200);
    const reply = await fake.reply(sent.n);
    expect(reply.response_type).toBe('in_channel');
    expect(reply.blocks?.[0]).toMatchObject({ type: 'header' });
    const table = reply.blocks?.find((b) => b.type === 'section' && b.text?.text.startsWith('```'));
    expect(table?.text?.text).toMatch(new RegExp(`${app.name}\\s+running`));
    expect(table?.text?.text).toContain(victim.name);
  });

  it('answers an empty command with help, privately', async () => {
    const sent = await fake.slashCommand({ userId: VIEWER, channelId: CHANNEL, text: '' });
    const reply = await fake.reply(sent.n);
    expect(reply.response_type).toBe('ephemeral');
    expect(blocksText(reply.blocks)).toContain('Commands you may run');
    expect(blocksText(reply.blocks)).not.toMatch(/\bstop <container>/);
  });

  it('refuses a request with a bad signature (401) and runs nothing', async () => {
    const before = audit.last(1000).length;
    const bad = await fake.slashCommand({
      userId: ADMIN,
      channelId: CHANNEL,
      text: `logs ${app.name}`,
      secret: 'nope',
    });
    expect(bad.status).toBe(401);
    const good = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: 'help ps' });
    await fake.reply(good.n);
    expect(fake.responses.filter((r) => r.n === bad.n)).toEqual([]);
    const added = audit.last(1000).slice(0, audit.last(1000).length - before);
    expect(added.map((e) => e.command)).not.toContain(`logs ${app.name}`);
  });

  it('refuses a replayed request whose timestamp is 6 minutes old (401)', async () => {
    const stale = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: 'ps', ageSeconds: 360 });
    expect(stale.status).toBe(401);
  });

  it('asks for a confirmation before stop, refuses another user pressing it, and stops on the requester’s press', async () => {
    const sent = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: `stop ${victim.name}` });
    const ask = await fake.reply(sent.n);
    expect(ask.response_type).toBe('ephemeral');
    const buttons = buttonsIn(ask.blocks);
    expect(buttons.map((b) => b.label)).toEqual(['Yes, stop', 'Cancel']);
    expect(buttons[0]).toMatchObject({ style: 'danger' });
    const confirm = buttons[0]?.actionId ?? '';
    expect(confirm).toMatch(/^confirm:/);

    const stranger = await fake.pressButton({ userId: OTHER_ADMIN, channelId: CHANNEL, actionId: confirm });
    expect(stranger.status).toBe(200);
    const refused = await fake.reply(stranger.n);
    expect(refused).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(blocksText(refused.blocks)).toContain(`Only slack:${ADMIN} may confirm this`);
    expect(await state(victim.id)).toBe('running');

    const press = await fake.pressButton({ userId: ADMIN, channelId: CHANNEL, actionId: confirm });
    const done = await fake.reply(press.n);
    expect(done.replace_original).toBe(true);
    expect(blocksText(done.blocks)).toContain(victim.name);
    await waitFor(async () => (await state(victim.id)) === 'exited', { what: 'the victim to be exited' });
  });

  it('shows a rollback’s progress by replacing the confirmation, then its result', async () => {
    const revision = (n: number) =>
      waitFor(async () => testAgent.agent.revisions.latest(ROLLBACK_APP)?.revision === n, {
        what: `revision ${n} of ${ROLLBACK_APP}`,
        timeoutMs: 30_000,
      });
    await dockerRun(TEST_IMAGE_V1);
    await revision(1);
    await docker('rm', '-f', ROLLBACK_APP);
    await dockerRun(TEST_IMAGE_V2);
    await revision(2);
    await waitFor(async () => testAgent.agent.revisions.get(ROLLBACK_APP, 1)?.keepTag !== undefined, {
      what: 'revision 1 kept',
    });

    const sent = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: `rollback ${ROLLBACK_APP}` });
    const confirm = buttonsIn((await fake.reply(sent.n)).blocks)[0]?.actionId ?? '';
    const press = await fake.pressButton({ userId: ADMIN, channelId: CHANNEL, actionId: confirm });
    const done = await fake.reply(press.n, 60_000);
    const all = fake.responses.filter((r) => r.n === press.n).map((r) => r.body);
    expect(all.length).toBeGreaterThan(1);
    expect(all[0]?.text).toMatch(/^:hourglass_flowing_sand: \w/);
    expect(all.every((b) => b.replace_original === true)).toBe(true);
    expect(all[all.length - 1]).toBe(done);
    expect(blocksText(done.blocks)).toMatch(/revision 1/i);
    expect(await docker('exec', ROLLBACK_APP, 'cat', '/VERSION')).toBe('1');
  });

  it('lets a viewer (through a Slack user group) run ps but not stop', async () => {
    const ps = await fake.slashCommand({ userId: VIEWER, channelId: CHANNEL, text: 'ps' });
    const listed = await fake.reply(ps.n);
    expect(listed.response_type).toBe('in_channel');
    expect(blocksText(listed.blocks)).toContain(app.name);
    const stop = await fake.slashCommand({ userId: VIEWER, channelId: CHANNEL, text: `stop ${app.name}` });
    const denied = await fake.reply(stop.n);
    expect(denied.response_type).toBe('ephemeral');
    expect(blocksText(denied.blocks)).toMatch(/no role of slack:U0VIEWER \(viewer\) allows stop/);
    expect(buttonsIn(denied.blocks)).toEqual([]);
    expect(await state(app.id)).toBe('running');
    expect(fake.callsOf('usergroups.list')[0]?.params).toMatchObject({ include_users: 'true' });
  });

  it('sends many log lines as a file uploaded to the channel, and says so', async () => {
    const sent = await fake.slashCommand({ userId: ADMIN, channelId: CHANNEL, text: `logs ${app.name} --tail 300` });
    const reply = await fake.reply(sent.n);
    expect(reply.response_type).toBe('in_channel');
    expect(blocksText(reply.blocks)).toMatch(/300 lines, attached/);
    expect(blocksText(reply.blocks)).toContain(`:paperclip: *${app.name}-`);
    const upload = fake.uploads.find((u) => u.filename.startsWith(`${app.name}-`));
    expect(upload).toMatchObject({ completed: true, channelId: CHANNEL });
    expect(upload?.content).toContain('line-0 of the app log');
    expect(upload?.content).toContain('line-299 of the app log');
  });

  it('posts an alert to the alert channel with buttons that run commands as whoever presses them', async () => {
    const now = Date.now();
    const alert: Alert = {
      key: `crashed{container="${app.name}"}`,
      rule: 'crashed',
      severity: 'critical',
      state: 'firing',
      labels: { alertname: 'crashed', severity: 'critical', host: HOST, container: app.name },
      annotations: { summary: `${app.name} <b>crashed</b> & restarted` },
      activeAt: now - 60_000,
      firedAt: now - 30_000,
    };
    const before = fake.callsOf('chat.postMessage').length;
    await adapter.postAlert(alertMessage(alert, HOST, now));
    const post = await fake.nextCall('chat.postMessage', before);
    expect(post.params.channel).toBe(ALERTS);
    expect(post.params.text).toContain('&lt;b&gt;crashed&lt;/b&gt; &amp; restarted');
    const buttons = buttonsIn(post.params.blocks as never);
    expect(buttons.map((b) => b.label)).toEqual(['Restart', 'Logs', 'Silence 1h']);
    const logs = buttons.find((b) => b.label === 'Logs');
    expect(logs?.actionId).toMatch(new RegExp(`^run:logs ${app.name} --tail 50`));

    const press = await fake.pressButton({ userId: VIEWER, channelId: ALERTS, actionId: logs?.actionId ?? '' });
    const shown = await fake.reply(press.n);
    expect(shown.replace_original).toBe(false);
    expect(blocksText(shown.blocks)).toContain('line-299 of the app log');
  });

  it('says a button expired when its token is no longer known', async () => {
    const press = await fake.pressButton({ userId: ADMIN, channelId: CHANNEL, actionId: 'dwt:forgotten' });
    const reply = await fake.reply(press.n);
    expect(reply.response_type).toBe('ephemeral');
    expect(blocksText(reply.blocks)).toContain('This button has expired');
  });

  it('takes slash commands over Socket Mode too: acknowledged on the socket, answered on the response_url', async () => {
    expect(fake.socketConnections).toBe(1);
    expect(fake.callsOf('apps.connections.open')[0]?.token).toBe(APP_TOKEN);
    const { n, ack } = await fake.socketSlashCommand({ userId: ADMIN, channelId: CHANNEL, text: 'ps' });
    expect(ack.envelope_id).toBe(`envelope-${n}`);
    const reply = await fake.reply(n);
    expect(reply.response_type).toBe('in_channel');
    expect(blocksText(reply.blocks)).toContain(app.name);
  });

  it('never logs the tokens or the signing secret', () => {
    expect(logLines.join('')).toContain('slack adapter listening');
    for (const secret of [TOKEN, APP_TOKEN, SECRET]) expect(logLines.join('')).not.toContain(secret);
  });
});
