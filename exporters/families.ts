import type { EngineResources } from '../agent/engine/engineResources';
import type { EngineSupervisor } from '../agent/engine/engineSupervisor';
import type { EventCounters } from '../agent/engine/eventCounters';
import type { MachineFacts } from '../agent/host/machineFacts';
import type { SelfStats } from '../agent/selfStats';
import type { AlertEngineStats } from '../alerts/alertEngine';
import type { OutboxMetrics } from '../alerts/outbox';
import { alertFamilies } from './alertsCollector';
import { blkioFamilies } from './blkioCollector';
import { deliveryFamilies } from './deliveryCollector';
import { storeFamilies, type StoreErrorSource } from './storeCollector';
import { logFamilies, type LogSource } from './logsCollector';
import type { ContainerView } from './containerView';
import { cpuFamilies } from './cpuCollector';
import { cpuLoadFamilies } from './cpuLoadCollector';
import { engineFamilies } from './engineCollector';
import { filesystemFamilies } from './filesystemCollector';
import { imageUpdateFamilies, type ImageUpdateSource } from './imageUpdateCollector';
import { imageFamilies, type DiskUsageSource } from './imagesCollector';
import { machineFamilies } from './machineCollector';
import { memoryFamilies } from './memoryCollector';
import type { MetricFamily } from './metricFamily';
import { networkFamilies } from './networkCollector';
import { pressureFamilies } from './pressureCollector';
import { selfFamilies } from './selfCollector';
import { specFamilies } from './specCollector';
import { stateFamilies } from './stateCollector';

/** What the exporters read: the agent's caches, injected. */
export type FamilySources = {
  view: ContainerView;
  events: EventCounters;
  resources: EngineResources;
  engine: Pick<EngineSupervisor, 'up' | 'info'> & Partial<Pick<EngineSupervisor, 'requestsInFlight'>>;
  self: SelfStats;
  startTimeSeconds: number;
  logs: LogSource;
  alerts: { stats(): AlertEngineStats };
  outbox: { metrics(): OutboxMetrics };
  /** Failed store writes by operation (the agent's store health). */
  store?: StoreErrorSource;
  /** The agent's last disk usage reading (images, volumes, build cache), for the image families. */
  diskUsage?: DiskUsageSource;
  /** This host's CPU topology and swap, when the engine runs here (read once at start). */
  machine?: MachineFacts;
  /** The update check's results, when it is on. */
  updates?: ImageUpdateSource;
};

/**
 * Every metric family dockwatch exports, one line per collector module, in exposition order: `cached` ones change
 * only with the inventory, a sampling pass or a resource refresh (see `dataVersion`); `live` ones on every scrape.
 */
export function buildFamilies(s: FamilySources): { cached: MetricFamily[]; live: MetricFamily[] } {
  return {
    cached: [
      ...cpuFamilies(s.view),
      ...cpuLoadFamilies(s.view),
      ...memoryFamilies(s.view, s.events),
      ...networkFamilies(s.view),
      ...blkioFamilies(s.view),
      ...filesystemFamilies(s.view, s.resources),
      ...pressureFamilies(s.view),
      ...specFamilies(s.view),
      ...stateFamilies(s.view),
    ],
    live: [
      ...engineFamilies(s.engine, s.events, s.resources),
      ...imageFamilies(s.diskUsage ?? { latest: undefined }),
      ...machineFamilies(s.machine),
      ...logFamilies(s.logs),
      ...alertFamilies(s.alerts),
      ...deliveryFamilies(s.outbox),
      ...storeFamilies(s.store),
      ...imageUpdateFamilies(s.updates),
      ...selfFamilies(s.self, s.startTimeSeconds),
    ],
  };
}

/** The version of everything the cached families read; a new value means they must be rendered again. */
export function dataVersion(s: {
  inventory: { revision: number };
  samples: { generation: number };
  resources: { version: number };
}): string {
  return `${s.inventory.revision}:${s.samples.generation}:${s.resources.version}`;
}
