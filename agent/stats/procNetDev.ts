import { join } from 'node:path';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { NetworkInterfaceSample } from './containerSample';
import { readOptionalFileSync } from './optionalFile';

/** Interface name prefixes cAdvisor leaves out: loopback, the host ends of veth pairs, bridges. */
const IGNORED_INTERFACE_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl'];

/** Whether cAdvisor ignores an interface of this name (prefixes compared case-insensitively, as cAdvisor does). */
export function isIgnoredInterface(name: string): boolean {
  const lower = name.toLowerCase();
  return IGNORED_INTERFACE_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function splitFields(text: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const blank = code === 32 || code === 9;
    if (blank) {
      if (start !== -1) fields.push(text.slice(start, i));
      start = -1;
    } else if (start === -1) {
      start = i;
    }
  }
  return fields;
}

/**
 * Parses `/proc/<pid>/net/dev` (two header lines, then `name: 8 receive and 8 transmit counters`), keeping bytes,
 * packets, errors and drops of each interface cAdvisor does not ignore. Malformed lines are skipped.
 */
export function parseProcNetDev(text: string): NetworkInterfaceSample[] {
  const interfaces: NetworkInterfaceSample[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || isIgnoredInterface(name)) continue;
    const fields = splitFields(line.slice(colon + 1));
    if (fields.length < 16) continue;
    const counter = (index: number): number => Number(fields[index]) || 0;
    interfaces.push({
      interface: name,
      rxBytes: counter(0),
      rxPackets: counter(1),
      rxErrors: counter(2),
      rxDropped: counter(3),
      txBytes: counter(8),
      txPackets: counter(9),
      txErrors: counter(10),
      txDropped: counter(11),
    });
  }
  return interfaces;
}

/**
 * Whether the container has a network namespace of its own to report: not `host` (it would report the host's
 * interfaces), not `container:<id>` (the other container reports them, as cAdvisor does), and it has a process.
 */
export function hasOwnNetwork(container: Pick<ContainerRecord, 'networkMode' | 'pid'>): boolean {
  return container.pid > 0 && container.networkMode !== 'host' && !container.networkMode.startsWith('container:');
}

/** Reads the interfaces of a container's network namespace through `${procRoot}/<pid>/net/dev`; undefined when it has none of its own or the process is gone. */
export function readContainerNetworkSync(
  procRoot: string,
  container: Pick<ContainerRecord, 'networkMode' | 'pid'>,
  read: (path: string) => string | undefined = readOptionalFileSync,
): NetworkInterfaceSample[] | undefined {
  if (!hasOwnNetwork(container)) return undefined;
  const text = read(join(procRoot, String(container.pid), 'net', 'dev'));
  return text === undefined ? undefined : parseProcNetDev(text);
}
