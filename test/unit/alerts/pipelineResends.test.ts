import { openStore, type Store } from '../../../agent/store/database';
import { createLogger } from '../../../shared/logger';
import { AlertPipeline } from '../../../alerts/alertPipeline';
import { configSchema } from '../../../config/schema';
import { startRecordingServer, type RecordingServer } from '../../support/recordingServer';
import { waitFor } from '../../support/waitFor';
import { ManualTimers } from './manualTimers';

type PostedAlert = { labels: Record<string, string>; endsAt: string };
type Hooked = { rule: string; status: string };

/**
 * The pipeline on a hand-moved clock, fed a sampling pass every `sampleEveryMs` (as the agent does), with one log
 * alert firing from the start; its notifications go through the real outbox to a local HTTP server.
 */
async function run(server: RecordingServer, sampleEveryMs: number, forMs: number) {
  const timers = new ManualTimers();
  timers.now = 1_000_000;
  const config = configSchema.parse({
    agent: { hostName: 'host-a' },
    alerts: {
      groupWait: '0s',
      groupWindow: '1s',
      repeatInterval: '3s',
      rules: [{ name: 'panic', kind: 'log', contains: 'panic', resolveAfter: '1h' }],
      routes: [{ notifiers: ['am', 'hook'] }],
    },
    notifiers: [
      { name: 'am', type: 'alertmanager', url: `${server.url}/am`, resendInterval: '2s' },
      { name: 'hook', type: 'webhook', url: `${server.url}/hook` },
    ],
  });
  const store: Store = openStore(':memory:');
  let commitWanted = false;
  const pipeline = new AlertPipeline(
    config,
    store,
    { running: () => [], record: () => undefined, sample: () => undefined, requestCommit: () => (commitWanted = true) },
    createLogger({ level: 'error', format: 'text', silent: true }),
    () => timers.now,
    timers,
  );
  const commit = () => {
    if (!commitWanted) return;
    commitWanted = false;
    store.transaction(() => pipeline.commit())();
    pipeline.committed();
  };
  pipeline.start();
  pipeline.onLogEntry({
    containerId: 'c1',
    container: 'web',
    labels: {},
    stream: 'stderr',
    ts: BigInt(timers.now) * 1_000_000n,
    timeMs: timers.now,
    text: 'panic: oh no',
    lines: 1,
    truncated: false,
  });
  commit();
  for (let t = 0; t < forMs; t += sampleEveryMs) {
    timers.advance(sampleEveryMs);
    pipeline.onSamplingPass();
    commit();
  }
  return { pipeline, store };
}

describe('re-sends and repeats do not depend on how often the engine evaluates', () => {
  let server: RecordingServer;
  beforeEach(async () => (server = await startRecordingServer()));
  afterEach(() => server.stop());

  it.each([250, 1000, 5000])(
    'sends a firing alert to Alertmanager every resendInterval and repeats it to a webhook every repeatInterval, with a sampling pass every %i ms',
    async (sampleEveryMs) => {
      const { pipeline, store } = await run(server, sampleEveryMs, 30_000);
      // 30 s at resendInterval 2s (±5%): 14 or 15 re-sends; the webhook at repeatInterval 3s:
      // the first send plus a repeat per 3 s (sampling passes only make the clock visible that often, so fewer
      // with passes every 5 s is fine as long as no repeat is skipped).
      await waitFor(async () => pipeline.outbox.metrics().pendingTotal === 0, { what: 'every notification delivered' });
      await pipeline.stop();
      store.close();
      const am = server.requestsTo('/am/api/v2/alerts');
      const hooks = server.requestsTo('/hook');
      // The first send and the repeats go to both notifiers; Alertmanager also gets the re-sends.
      expect(hooks.length).toBeGreaterThanOrEqual(sampleEveryMs === 5000 ? 6 : 10);
      expect(hooks.length).toBeLessThanOrEqual(11);
      expect(am.length - hooks.length).toBeGreaterThanOrEqual(14);
      expect(am.length - hooks.length).toBeLessThanOrEqual(16);
      const posted = am.map((r) => JSON.parse(r.body) as PostedAlert[]);
      expect(posted.every((alerts) => alerts.length === 1 && alerts[0]?.labels.alertname === 'panic')).toBe(true);
      const statuses = hooks.map((r) => (JSON.parse(r.body) as Hooked).status);
      expect(new Set(statuses)).toEqual(new Set(['firing']));
    },
  );
});
