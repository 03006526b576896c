import type { MachineFacts } from '../agent/host/machineFacts';
import type { MetricFamily } from './metricFamily';

/**
 * cAdvisor's machine families the engine does not report (machine_cpu_cores and machine_memory_bytes come from the
 * engine, see engineCollector): physical cores, sockets and swap, read from this host's sysfs and /proc, so only
 * given when the engine runs here.
 */
export function machineFamilies(machine: MachineFacts | undefined): MetricFamily[] {
  const one = (pick: (m: MachineFacts) => number) => () => (machine ? [{ value: pick(machine) }] : []);
  return [
    {
      name: 'machine_cpu_physical_cores',
      help: 'Number of physical CPU cores.',
      type: 'gauge',
      collect: one((m) => m.physicalCores),
    },
    { name: 'machine_cpu_sockets', help: 'Number of CPU sockets.', type: 'gauge', collect: one((m) => m.sockets) },
    {
      name: 'machine_swap_bytes',
      help: 'Amount of swap memory available on the machine.',
      type: 'gauge',
      collect: one((m) => m.swapBytes),
    },
  ];
}
