import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema';
import { isWatched, matchesSelector } from '../config/containerSelector';
import { AlertPipeline } from '../alerts/alertPipeline';
import { parseHostPort } from '../config/hostPort';
import { isLocalEndpoint, parseDockerHost } from '../agent/engine/dockerHost';
import { EngineResources } from '../agent/engine/engineResources';
import { EngineSupervisor } from '../agent/engine/engineSupervisor';
import { EventCounters } from '../agent/engine/eventCounters';
import { EventPositionStore } from '../agent/engine/eventPositionStore';
import { StopHealthReports } from '../agent/engine/stopHealthReports';
import { Inventory } from '../agent/inventory/inventory';
import { INSPECT_CONCURRENCY, InventorySync } from '../agent/inventory/inventorySync';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { EngineEvent } from '../agent/engine/engineEvent';
import type { Logger } from '../shared/logger';
import { SelfStats } from '../agent/selfStats';
import type Docker from 'dockerode';
import { apiCollector, dockerStatsFetcher, type FetchEngineStats } from '../agent/stats/apiCollector';
import { readMachineFacts } from '../agent/host/machineFacts';
import { defaultSysRoot } from '../agent/stats/blockDevices';
import { cgroupV1Collector } from '../agent/stats/cgroupV1Collector';
import { cgroupV2Collector } from '../agent/stats/cgroupV2Collector';
import { detectCgroupVersion } from '../agent/stats/cgroupVersion';
import { chooseCollector } from '../agent/stats/chooseCollector';
import { SampleStore } from '../agent/stats/sampleStore';
import { StatsSampler } from '../agent/stats/sampler';
import { ContainerView } from '../exporters/containerView';
import { Exposition } from '../exporters/exposition';
import { MetricsServer } from '../exporters/metricsServer';
import { agentControlApi } from '../api/controlApi';
import { readListenerTls } from '../api/controlApiTls';
import { InProcessAgent } from '../api/inProcessAgent';
import { AUDIT_MIGRATIONS } from '../bot/core/audit';
import { buildFamilies, dataVersion } from '../exporters/families';
import { openLogStream } from '../agent/logs/openLogStream';
import { LogCheckpointParticipant } from '../agent/logs/logCheckpointParticipant';
import { LogCheckpointStore } from '../agent/logs/logCheckpointStore';
import { LogCheckpointLineCounts } from '../agent/logs/logCheckpointLineCounts';
import { passedLines } from '../agent/logs/passedLines';
import type { LogEntry } from '../agent/logs/logEntry';
import { LogTailer } from '../agent/logs/logTailer';
import { migrate, openStore, type Store } from '../agent/store/database';
import { storeHealthOf } from '../agent/store/storeHealth';
import { ExpectedStops } from '../agent/store/expectedStops';
import { EngineContainerActions } from '../agent/actions/engineContainerActions';
import { RevisionRecorder } from '../agent/revisions/revisionRecorder';
import { ReplacementStore } from '../agent/revisions/replacementStore';
import { ReplacementRecovery } from '../agent/revisions/replacementRecovery';
import { MARKER_MARGIN_MS } from '../agent/actions/replacementRunner';
import { RevisionStore } from '../agent/revisions/revisionStore';
import { processHolderId, WriterLease } from '../agent/store/writerLease';
import { StoreCommitter, type CommitParticipant } from '../agent/store/storeCommitter';
import { DiskUsageRefresher } from '../agent/images/diskUsageRefresher';
import { enginePuller } from '../agent/images/enginePuller';
import type { ImagePuller } from '../agent/images/imagePuller';
import { ImagePulls } from '../agent/actions/imagePull';
import { registryCredentials, type RegistryCredentials } from '../agent/registry/registryCredentials';
import { createUpdateChecker } from '../agent/images/updateCheckService';
import type { UpdateChecker } from '../agent/images/updateChecker';
import { StartupGate } from '../agent/startupGate';

/** A started agent: its parts for the other roles (alerts, bot) and a way to stop it. */
export type RunningAgent = {
  address: AddressInfo;
  inventory: Inventory;
  samples: SampleStore;
  engine: EngineSupervisor;
  exposition: Exposition;
  sampler: StatsSampler;
  store: Store;
  logs: LogTailer;
  alerts: AlertPipeline;
  /** Revisions recorded per container name. */
  revisions: RevisionStore;
  /** Every write to the engine (start, stop, restart, rollback) and revision history; add the bot's audit with onAudit. */
  actions: EngineContainerActions;
  /** The latest `system df` figures for the image and disk metrics, read every `images.usageInterval`. */
  diskUsage: DiskUsageRefresher;
  /** Registry logins from `registries:` and Docker's config.json (for pulls and manifest checks). */
  credentials: RegistryCredentials;
  /** Pulls an image through the engine with those credentials (deploy and update checks use it; not audited). */
  pull: ImagePuller;
  /** `pull` as an audited engine write (the bot's pull command). */
  pulls: ImagePulls;
  /** The update check (`images.updateCheck`): its results, and `checkNow()` for a round at once. */
  updates: UpdateChecker;
  stop(): Promise<void>;
};

/** What other roles plug into the agent: log consumers and parts stored in the agent's commit transaction. */
export type AgentPlugins = {
  /** Every log event of a followed container, in order, exactly once across restarts (with the participants). */
  onLogEntry?: (entry: LogEntry) => void;
  /** Every engine event, in order, also those replayed from the stored position after a restart. */
  onEngineEvent?: (event: EngineEvent) => void;
  /** Engine reachability changes. */
  onEngineState?: (up: boolean) => void;
  /** After every sampling pass. */
  onSamplingPass?: () => void;
  /** Committed atomically with the log checkpoints. */
  participants?: (store: Store) => CommitParticipant[];
  /**
   * Read and act only (`dockwatch ctl`): no log tailing, no alert evaluation, no notification queued or delivered, no
   * alert state or event position stored (the agent on the data dir owns them); revisions and keep tags are
   * written only while no agent holds the data dir's writer lease (a rollback only marks the name as being replaced,
   * and the agent records the outcome), so a running agent on the same data dir is not disturbed.
   */
  passive?: boolean;
};

/** The engine events of an exit, on which the agent looks whether another process (ctl) expected it. */
const STOP_ACTIONS = new Set(['kill', 'die', 'stop']);

/** How long the revisions writer's lease lasts unless renewed (it is renewed every 2 s). */
const REVISION_LEASE_TTL_MS = 15_000;
/** Longest the work held for the first ready waits when ready does not come (the engine is down, say). */
const STARTUP_GATE_MAX_MS = 30_000;

/** Builds the agent from the config (the one wiring place of this role) and starts it. */
export async function startAgent(config: Config, logger: Logger, plugins: AgentPlugins = {}): Promise<RunningAgent> {
  const endpoint = parseDockerHost(config.docker.host, config.docker.tls);
  const store = openStore(config.agent.dataDir);
  const storeHealth = storeHealthOf(store);
  storeHealth.logTo(logger);
  // The audit table ctl writes to: created by the agent too, so that ctl still runs when the disk has filled since.
  migrate(store, AUDIT_MIGRATIONS);
  const expectedStops = new ExpectedStops(store);
  const inventory = new Inventory();
  const samples = new SampleStore();
  const self = new SelfStats();
  const events = new EventCounters();
  const resources = new EngineResources();
  const countError = (op: string) => self.countApiError(op);
  const sync = new InventorySync(inventory, logger, countError);
  const watched = (r: ContainerRecord) => isWatched(r, config.containers);
  let lastResync = 0;
  let samplerStarted = false;
  let connected: Docker | undefined;
  // A resync's inspects reuse a few keep-alive connections (one each was half its CPU at 2,000 containers).
  const resyncInBurst = async (docker: Docker) => {
    const burst = engine.burstClient(INSPECT_CONCURRENCY);
    try {
      await sync.resync(docker, burst && { docker: burst.docker, timeoutMs: engine.stallTimeout });
    } finally {
      burst?.close();
    }
    lastResync = Date.now();
  };

  const alerts = new AlertPipeline(
    config,
    store,
    {
      running: () => inventory.all().filter((r) => r.state === 'running' && watched(r)),
      record: (id) => inventory.get(id),
      sample: (id) => samples.get(id),
      requestCommit: () => {
        if (!plugins.passive) committer.request();
      },
    },
    logger,
  );
  const logRules = config.alerts.rules.filter((r) => r.kind === 'log');
  const wantsLines = (r: ContainerRecord) =>
    plugins.onLogEntry !== undefined ||
    logRules.some((rule) => !rule.containers || matchesSelector(r, rule.containers));
  const checkpoints = new LogCheckpointStore(store);
  const processedLines = new LogCheckpointLineCounts(store);
  const logs = new LogTailer({
    inventory,
    checkpoints,
    selected: (r) => wantsLines(r) && watched(r) && isWatched(r, config.logs),
    opener: () => {
      const docker = connected;
      return docker ? (id, since) => openLogStream(docker, id, since) : undefined;
    },
    maxLineBytes: config.logs.maxLineBytes,
    multiline: config.logs.multiline && {
      start: new RegExp(config.logs.multiline.start),
      maxLines: config.logs.multiline.maxLines,
      timeoutMs: config.logs.multiline.timeout,
    },
    onEntry: (entry) => {
      alerts.onLogEntry(entry);
      plugins.onLogEntry?.(entry);
      processedLines.count(entry);
    },
    // Lines no log rule can match become no entry when nothing else takes entries; they are still counted.
    lineFilter: plugins.onLogEntry ? undefined : (t, stream) => alerts.engine.logLineFilter(t, stream),
    onPassed: (t, stream, lines) => processedLines.count(passedLines(t, stream, lines)),
    logger,
  });
  const eventPosition = new EventPositionStore(store, () => engine.eventPosition);
  const stopHealth = new StopHealthReports();
  const committer = new StoreCommitter(
    store,
    [
      eventPosition,
      new LogCheckpointParticipant(logs, checkpoints),
      processedLines,
      alerts,
      ...(plugins.participants?.(store) ?? []),
    ],
    logger,
  );

  const engine = new EngineSupervisor(
    endpoint,
    config.docker.tls,
    {
      async onConnected(docker) {
        connected = docker;
        await recovery.recoverAll();
        await resyncInBurst(docker);
        if (!plugins.passive) logs.reconcile();
        if (!samplerStarted) {
          samplerStarted = true;
          sampler.start();
        }
        // After the first ready: the writable-layer sizes keep dockerd busy (a minute at 2,000 containers).
        void startup.opened.then(() => resources.refresh(docker, 0)).catch(() => countError('images'));
      },
      onEvent(docker, e) {
        events.record(e);
        eventPosition.moved();
        const record = inventory.get(e.Actor.ID);
        // An unhealthy report while the container is being stopped is the probe failing against a dying process.
        const stopNoise = stopHealth.isStopNoise(e);
        if (!plugins.passive && !stopNoise && e.Type === 'container' && (!record || watched(record))) {
          const expectedUntil = STOP_ACTIONS.has(e.Action) ? expectedStops.until(e.Actor.ID) : undefined;
          if (expectedUntil !== undefined) alerts.engine.expectStop(e.Actor.ID, expectedUntil);
          alerts.onEngineEvent(e);
        }
        plugins.onEngineEvent?.(e);
        if (!stopNoise) recorder.onEngineEvent(e);
        sync.onEvent(docker, e).catch(() => undefined);
      },
      onStateChange(up) {
        if (!up) connected = undefined;
        eventPosition.moved();
        if (!plugins.passive) alerts.onEngineState(up);
        plugins.onEngineState?.(up);
        if (up) updates.resume();
      },
      async onTick(docker) {
        if (Date.now() - lastResync >= config.stats.resyncInterval - 1000) await resyncInBurst(docker);
        await resources.refresh(docker, config.stats.fsUsageInterval);
      },
    },
    logger,
    Math.min(config.stats.resyncInterval, config.stats.fsUsageInterval),
    countError,
    config.docker.stallTimeout,
  );

  let fetcher: { docker: Docker; fetch: FetchEngineStats } | undefined;
  const api = () =>
    apiCollector({
      concurrency: config.stats.apiConcurrency,
      fetchStats: (id) => {
        const docker = engine.client;
        const info = engine.info;
        if (!docker || !info) return Promise.reject(new Error('engine unreachable'));
        if (fetcher?.docker !== docker) fetcher = { docker, fetch: dockerStatsFetcher(docker, info.apiVersion) };
        return fetcher.fetch(id);
      },
      onError: () => countError('stats'),
    });
  const cgroupVersion = await detectCgroupVersion(config.docker.cgroupRoot);
  const { cgroupRoot, procRoot } = config.docker;
  const cgroupOpts = { cgroupRoot, procRoot, dataRoot: () => engine.info?.rootDir };
  const choice = chooseCollector({
    mode: config.stats.collector,
    cgroupRoot: config.docker.cgroupRoot,
    cgroupVersion,
    engineIsLocal: isLocalEndpoint(endpoint),
    cgroup: (v) => (v === 1 ? cgroupV1Collector(cgroupOpts) : cgroupV2Collector(cgroupOpts)),
    api,
  });
  logger.info('stats collector chosen', { collector: choice.collector.name, reason: choice.reason });

  const sampler = new StatsSampler({
    collector: choice.collector,
    fallback: choice.fallback,
    running: () => inventory.all().filter((r) => (r.state === 'running' || r.state === 'paused') && watched(r)),
    store: samples,
    self,
    logger,
    intervalMs: config.stats.interval,
    onPass: () => {
      exposition.prerender();
      if (!plugins.passive) alerts.onSamplingPass();
      plugins.onSamplingPass?.();
    },
  });

  // Revision checks (an inspect each) and the size walk wait for the first ready, so they do not slow it.
  const startup = new StartupGate(STARTUP_GATE_MAX_MS);
  const revisionsConfig = config.revisions;
  const revisions = new RevisionStore(store);
  const holder = processHolderId();
  const replacements = new ReplacementStore(store);
  const recorder = new RevisionRecorder({
    store: revisions,
    replacements,
    lease: new WriterLease(store, 'revisions', holder, plugins.passive ? 'ctl' : 'agent', REVISION_LEASE_TTL_MS),
    holder,
    docker: () => connected,
    keep: revisionsConfig.keep,
    forgetAfterMs: revisionsConfig.forgetAfter,
    watched,
    logger,
    storeFailed: (err) => storeHealth.counted('revisions', err),
    startAfter: startup.opened,
  });
  recorder.follow(inventory);
  const recovery = new ReplacementRecovery({
    replacements,
    holder,
    docker: () => connected,
    settle: () => recorder.settleEnded(),
    expectStop: (id, until) => {
      alerts.engine.expectStop(id, until);
      if (plugins.passive) expectedStops.expect(id, until);
    },
    logger,
    maxWaitMs: revisionsConfig.rollbackTimeout,
    markerMarginMs: MARKER_MARGIN_MS,
  });
  recovery.start();
  const credentials = registryCredentials(config.registries);
  for (const warning of credentials.warnings()) logger.warn('registry credentials', { warning });
  const pull = enginePuller({ docker: () => connected, credentials });
  const pulls = new ImagePulls({ pull, logger });
  const updates = createUpdateChecker({
    config: config.images.updateCheck,
    credentials,
    docker: () => connected,
    containers: () => inventory.all().filter(watched),
    onNotice: (notice) => alerts.onImageUpdate(notice),
    logger,
  });
  const actions = new EngineContainerActions({
    containers: () => inventory.all().filter(watched),
    docker: () => connected,
    revisions,
    recorder,
    expectStop: (id, until) => {
      alerts.engine.expectStop(id, until);
      // ctl: the running agent on this data dir learns it from the store when the exit reaches it.
      if (plugins.passive) expectedStops.expect(id, until);
    },
    keep: revisionsConfig.keep,
    rollbackTimeoutMs: revisionsConfig.rollbackTimeout,
    pull,
    procRoot: config.docker.procRoot,
    logger,
  });

  const diskUsage = new DiskUsageRefresher({
    docker: () => connected,
    intervalMs: config.images.usageInterval,
    watched: (c) => isWatched(c, config.containers),
    logger,
  });
  const view = new ContainerView(inventory, samples, watched, config.metrics.containerLabels);
  const families = buildFamilies({
    view,
    events,
    resources,
    engine,
    self,
    startTimeSeconds: Math.floor(Date.now() / 1000 - process.uptime()),
    logs,
    alerts: alerts.engine,
    outbox: alerts.outbox,
    store: storeHealth,
    diskUsage,
    updates: { results: updates.results, isRunning: (id) => inventory.get(id)?.state === 'running' },
    machine: isLocalEndpoint(endpoint) ? readMachineFacts(defaultSysRoot(cgroupRoot), procRoot) : undefined,
  });
  const exposition = new Exposition(
    families.cached,
    families.live,
    () => dataVersion({ inventory, samples, resources }),
    self,
  );
  const served = new InProcessAgent({ inventory, samples, engine, alerts }, { config, actions, pulls });
  const controlApi = agentControlApi(config, alerts, engine, logger, served);
  // Ready once the first pass is stored and rendered, so the first scrape (either format) does not wait for the render.
  const isReady = () => samples.generation > 0 && exposition.hasRendered;
  void exposition.whenRendered().then(() => startup.open());
  const tls = readListenerTls(config.agent.tls);
  const server = new MetricsServer({ exposition, logger, isReady, api: controlApi, ...(tls ? { tls } : {}) });
  const listen = parseHostPort(config.agent.listen);
  if (!listen) throw new Error(`agent.listen "${config.agent.listen}" is not HOST:PORT`);
  const { host, port } = listen;
  const address = await server.listen(host, port);
  logger.info('agent listening', {
    address: `${tls ? 'https' : 'http'}://${address.address}:${address.port}`,
    docker: config.docker.host,
  });

  const resumeEvents = eventPosition.load();
  if (resumeEvents !== undefined) engine.resumeEventsAfter(resumeEvents);
  if (!plugins.passive) {
    logs.start();
    committer.start();
    alerts.start();
    updates.start();
    diskUsage.start();
  }
  engine.start();

  return {
    address,
    inventory,
    samples,
    engine,
    exposition,
    sampler,
    store,
    logs,
    alerts,
    revisions,
    actions,
    diskUsage,
    credentials,
    pull,
    pulls,
    updates,
    async stop() {
      sampler.stop();
      await updates.stop();
      diskUsage.stop();
      engine.stop();
      logs.stop();
      await recovery.stop();
      startup.open();
      await recorder.stop();
      if (!plugins.passive) {
        await alerts.stop();
        committer.stop();
      }
      store.close();
      await server.close();
    },
  };
}
