import type { NetworkInterfaceSample } from '../agent/stats/containerSample';
import { perSampleMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

const FIELDS: [keyof NetworkInterfaceSample, string, string][] = [
  ['rxBytes', 'container_network_receive_bytes_total', 'Cumulative count of bytes received'],
  ['rxPackets', 'container_network_receive_packets_total', 'Cumulative count of packets received'],
  [
    'rxDropped',
    'container_network_receive_packets_dropped_total',
    'Cumulative count of packets dropped while receiving',
  ],
  ['rxErrors', 'container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving'],
  ['txBytes', 'container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted'],
  ['txPackets', 'container_network_transmit_packets_total', 'Cumulative count of packets transmitted'],
  [
    'txDropped',
    'container_network_transmit_packets_dropped_total',
    'Cumulative count of packets dropped while transmitting',
  ],
  ['txErrors', 'container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting'],
];

/**
 * cAdvisor's network families, one series per interface of the container's network namespace, and for the root
 * container the host's.
 */
export function networkFamilies(view: ContainerView): MetricFamily[] {
  const labelCache = new Map<string, Readonly<Record<string, string>>>();
  const ifaceLabels = (name: string) => {
    let l = labelCache.get(name);
    if (!l) labelCache.set(name, (l = Object.freeze({ interface: name })));
    return l;
  };
  return FIELDS.map(([field, name, help]) =>
    perSampleMulti(view, name, help, 'counter', (s, push) => {
      for (const i of s.network ?? []) push(ifaceLabels(i.interface), i[field] as number);
    }),
  );
}
