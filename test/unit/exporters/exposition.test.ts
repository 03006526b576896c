import { EngineResources } from '../../../agent/engine/engineResources';
import { EventCounters } from '../../../agent/engine/eventCounters';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { Inventory } from '../../../agent/inventory/inventory';
import { SelfStats } from '../../../agent/selfStats';
import type { ContainerSample, CpuSample } from '../../../agent/stats/containerSample';
import { SampleStore } from '../../../agent/stats/sampleStore';
import { ContainerView } from '../../../exporters/containerView';
import { Exposition } from '../../../exporters/exposition';
import { buildFamilies, dataVersion } from '../../../exporters/families';

const ID = 'a'.repeat(64);
const record = (over: Partial<ContainerRecord> = {}): ContainerRecord => ({
  id: ID,
  name: 'web-1',
  image: 'shop/web:2',
  imageId: 'sha256:' + 'b'.repeat(64),
  labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', secret: 'x' },
  composeProject: 'shop',
  composeService: 'web',
  state: 'running',
  health: 'healthy',
  restartCount: 2,
  exitCode: 137,
  startedAt: 1795911683.5,
  createdAt: 1795911680,
  pid: 42,
  cgroupParent: '',
  networkMode: 'bridge',
  tty: false,
  logDriver: 'json-file',
  spec: { cpuQuota: 50000, cpuPeriod: 100000, cpuShares: 1024, memoryLimitBytes: 67108864 },
  ...over,
});
const sample: ContainerSample = {
  id: ID,
  cgroupPath: `/docker/${ID}`,
  timestampMs: 1795911700_000,
  cpu: {
    usageSeconds: 12.5,
    userSeconds: 10,
    systemSeconds: 2.5,
    cfsPeriods: 7,
    cfsThrottledPeriods: 3,
    cfsThrottledSeconds: 0.25,
  },
  memory: {
    usageBytes: 1000,
    workingSetBytes: 800,
    rssBytes: 600,
    cacheBytes: 300,
    swapBytes: 0,
    failcnt: 1,
    oomKills: 2,
  },
  network: [
    {
      interface: 'eth0',
      rxBytes: 10,
      rxPackets: 1,
      rxDropped: 0,
      rxErrors: 0,
      txBytes: 20,
      txPackets: 2,
      txDropped: 0,
      txErrors: 0,
    },
  ],
  blkio: [{ device: '/dev/vda', readBytes: 4096, writeBytes: 8192, reads: 1, writes: 2 }],
  processes: 3,
  threads: 5,
};

/** A render as text, as a scraper reads it. */
async function text(exposition: Exposition, accept?: string) {
  const r = await exposition.render(accept);
  return { body: Buffer.concat(r.parts).toString('utf8'), contentType: r.contentType };
}

function setup(records: ContainerRecord[], samples: ContainerSample[]) {
  const inventory = new Inventory();
  for (const r of records) inventory.upsert(r);
  const store = new SampleStore();
  store.replace(samples);
  const view = new ContainerView(inventory, store, (r) => r.labels['dockwatch.ignore'] !== 'true', [
    'com.docker.compose.project',
    'com.docker.compose.service',
  ]);
  const events = new EventCounters();
  const self = new SelfStats();
  const resources = new EngineResources();
  const engine = {
    up: true,
    info: {
      version: '20.10.24',
      apiVersion: '1.41',
      os: 'Debian',
      kernelVersion: '6.1',
      storageDriver: 'overlay2',
      cgroupDriver: 'cgroupfs',
      cgroupVersion: '1',
      cpus: 2,
      memoryBytes: 25_000_000_000,
    },
  };
  const families = buildFamilies({
    view,
    events,
    resources,
    engine,
    self,
    startTimeSeconds: 1,
    logs: {
      lineCounts: () => [{ container: 'web-1', stream: 'stderr', lines: 7 }],
      truncatedCounts: () => [{ container: 'web-1', lines: 1 }],
      droppedCounts: () => [{ container: 'web-1', reason: 'removed', lines: 2 }],
      openStreams: 1,
    },
    alerts: {
      stats: () => ({
        matches: { 'app-errors': 3 },
        alerts: { pending: 1, firing: 2, resolved: 0 },
        notifications: { firing: 4, resolved: 1 },
        unrouted: 0,
      }),
    },
    outbox: {
      metrics: () => ({
        results: [{ notifier: 'ops', outcome: 'sent', count: 5 }],
        pending: [{ notifier: 'ops', count: 2, oldestAgeMs: 1500 }],
        pendingTotal: 2,
        oldestPendingAgeMs: 1500,
      }),
    },
  });
  const exposition = new Exposition(
    families.cached,
    families.live,
    () => dataVersion({ inventory, samples: store, resources }),
    self,
  );
  return { inventory, store, exposition, self, events };
}

const BASE = `id="/docker/${ID}",image="shop/web:2",name="web-1",container_label_com_docker_compose_project="shop",container_label_com_docker_compose_service="web"`;

describe('exposition', () => {
  it('renders the log, alert and delivery families', async () => {
    const { exposition } = setup([record()], [sample]);
    const lines = (await text(exposition)).body.split('\n');
    for (const line of [
      'dockwatch_log_lines_total{name="web-1",stream="stderr"} 7',
      'dockwatch_log_lines_truncated_total{name="web-1"} 1',
      'dockwatch_log_lines_dropped_total{name="web-1",reason="removed"} 2',
      'dockwatch_log_streams_open 1',
      'dockwatch_rule_matches_total{rule="app-errors"} 3',
      'dockwatch_alerts{state="firing"} 2',
      'dockwatch_alert_notifications_total{status="resolved"} 1',
      'dockwatch_notifications_total{notifier="ops",result="sent"} 5',
      'dockwatch_outbox_pending{notifier="ops"} 2',
      'dockwatch_outbox_oldest_age_seconds 1.5',
    ]) {
      expect(lines).toContain(line);
    }
  });

  it('renders cAdvisor names, labels and values from the cached sample', async () => {
    const { exposition } = setup([record()], [sample]);
    const { body, contentType } = await text(exposition);
    expect(contentType).toMatch(/^text\/plain; version=0.0.4/);
    const lines = body.split('\n');
    expect(lines).toContain(`container_cpu_usage_seconds_total{cpu="total",${BASE}} 12.5`);
    expect(lines).toContain(`container_cpu_user_seconds_total{${BASE}} 10`);
    expect(lines).toContain(`container_cpu_cfs_throttled_seconds_total{${BASE}} 0.25`);
    expect(lines).toContain(`container_memory_working_set_bytes{${BASE}} 800`);
    expect(lines).toContain(`container_oom_events_total{${BASE}} 2`);
    expect(lines).toContain(`container_network_receive_bytes_total{interface="eth0",${BASE}} 10`);
    expect(lines).toContain(`container_fs_writes_bytes_total{device="/dev/vda",${BASE}} 8192`);
    expect(lines).toContain(`container_spec_memory_limit_bytes{${BASE}} 67108864`);
    expect(lines).toContain(`container_spec_cpu_quota{${BASE}} 50000`);
    expect(lines).toContain(`container_last_seen{${BASE}} 1795911700`);
    expect(lines).toContain(`container_threads{${BASE}} 5`);
    expect(lines).toContain('# TYPE container_cpu_usage_seconds_total counter');
    expect(lines).toContain('machine_cpu_cores 2');
    expect(lines).toContain(
      'dockwatch_container_info{name="web-1",container_id="aaaaaaaaaaaa",image="shop/web:2",image_id="sha256:' +
        'b'.repeat(64) +
        '",compose_project="shop",compose_service="web"} 1',
    );
    expect(lines).toContain('dockwatch_container_last_exit_code{name="web-1",container_id="aaaaaaaaaaaa"} 137');
    expect(lines).toContain('dockwatch_containers{state="running"} 1');
    expect(lines).toContain('dockwatch_containers{state="exited"} 0');
    expect(body).not.toContain('container_label_secret');
  });

  it('leaves out CFS series without a quota, and ignored containers entirely', async () => {
    const other = 'c'.repeat(64);
    const { exposition } = setup(
      [
        record({ spec: { cpuPeriod: 100000, cpuShares: 1024, memoryLimitBytes: 0 } }),
        record({ id: other, name: 'skip', labels: { 'dockwatch.ignore': 'true' } }),
      ],
      [sample, { ...sample, id: other, cgroupPath: `/docker/${other}` }],
    );
    const { body } = await text(exposition);
    expect(body).not.toMatch(/^container_cpu_cfs_periods_total\{/m);
    expect(body).not.toMatch(/^container_spec_cpu_quota\{/m);
    expect(body).not.toContain('name="skip"');
  });

  it('drops a stopped container from container_* at the next pass but keeps its state series', async () => {
    const { exposition, inventory, store } = setup([record()], [sample]);
    inventory.upsert(record({ state: 'exited', pid: 0 }));
    store.replace([]);
    const { body } = await text(exposition);
    expect(body).not.toMatch(/^container_cpu_usage_seconds_total\{/m);
    expect(body).toContain('dockwatch_container_state{name="web-1",container_id="aaaaaaaaaaaa",state="exited"} 1');
  });

  it('serves OpenMetrics when asked, with counters suffixed once and # EOF', async () => {
    const { exposition } = setup([record()], [sample]);
    const { body, contentType } = await text(
      exposition,
      'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    );
    expect(contentType).toMatch(/^application\/openmetrics-text/);
    expect(body).toContain('# TYPE container_cpu_usage_seconds counter');
    expect(body).toContain(`container_cpu_usage_seconds_total{cpu="total",${BASE}} 12.5`);
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    const again = await text(exposition);
    expect(again.body).toContain('# TYPE container_cpu_usage_seconds_total counter');
  });

  it('renders per-container series once per data version, live series on every scrape', async () => {
    const { exposition, store } = setup([record()], [sample]);
    const first = await text(exposition);
    const second = await text(exposition);
    expect(second.body).toContain('dockwatch_scrapes_total 1');
    expect(first.body).toContain('dockwatch_scrapes_total 0');
    store.replace([{ ...sample, cpu: { ...(sample.cpu as CpuSample), usageSeconds: 99 } }]);
    // Scrapes during the new render get the previous pass; the new values follow once it is done.
    const stale = await text(exposition);
    expect(stale.body).toContain(`container_cpu_usage_seconds_total{cpu="total",${BASE}} 12.5`);
    let fresh = stale.body;
    for (let i = 0; i < 100 && !fresh.includes('} 99\n'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      fresh = (await text(exposition)).body;
    }
    expect(fresh).toContain(`container_cpu_usage_seconds_total{cpu="total",${BASE}} 99`);
    const om = await text(exposition, 'application/openmetrics-text;version=1.0.0');
    expect(om.body.match(/# EOF/g)).toHaveLength(1);
    expect(om.body).toContain('# TYPE dockwatch_scrapes counter');
  });
});
