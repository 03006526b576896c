import type { EngineResources } from '../agent/engine/engineResources';
import type { EventCounters } from '../agent/engine/eventCounters';
import type { EngineSupervisor } from '../agent/engine/engineSupervisor';
import type { MetricFamily } from './metricFamily';

/** Engine families: reachability, requests in flight, identity, events by type and action, images; and cAdvisor's machine_* from the engine host. */
export function engineFamilies(
  engine: Pick<EngineSupervisor, 'up' | 'info'> & Partial<Pick<EngineSupervisor, 'requestsInFlight'>>,
  events: EventCounters,
  resources: EngineResources,
): MetricFamily[] {
  return [
    {
      name: 'dockwatch_engine_up',
      help: '1 when the Docker engine answered at the last attempt, else 0.',
      type: 'gauge',
      collect: () => [{ value: engine.up ? 1 : 0 }],
    },
    {
      name: 'dockwatch_engine_requests_in_flight',
      help: 'Requests sent to the Docker engine that it has not begun to answer.',
      type: 'gauge',
      collect: () => (engine.requestsInFlight === undefined ? [] : [{ value: engine.requestsInFlight }]),
    },
    {
      name: 'dockwatch_engine_info',
      help: 'The Docker engine dockwatch is connected to; always 1.',
      type: 'gauge',
      collect() {
        const i = engine.info;
        if (!i) return [];
        return [
          {
            value: 1,
            labels: {
              version: i.version,
              api_version: i.apiVersion,
              os: i.os,
              kernel_version: i.kernelVersion,
              storage_driver: i.storageDriver,
              cgroup_driver: i.cgroupDriver,
              cgroup_version: i.cgroupVersion,
            },
          },
        ];
      },
    },
    {
      name: 'dockwatch_engine_events_total',
      help: 'Engine events seen, by type and action.',
      type: 'counter',
      collect: () =>
        [...events.byTypeAction].map(([key, value]) => {
          const [type, action] = key.split('\u0000') as [string, string];
          return { value, labels: { type, action } };
        }),
    },
    {
      name: 'dockwatch_images_size_bytes',
      help: 'Total size of the images the engine holds.',
      type: 'gauge',
      collect: () => (engine.info ? [{ value: resources.images.sizeBytes }] : []),
    },
    {
      name: 'machine_cpu_cores',
      help: 'Number of logical CPU cores.',
      type: 'gauge',
      collect: () => (engine.info ? [{ value: engine.info.cpus }] : []),
    },
    {
      name: 'machine_memory_bytes',
      help: 'Amount of memory installed on the machine.',
      type: 'gauge',
      collect: () => (engine.info ? [{ value: engine.info.memoryBytes }] : []),
    },
  ];
}
