import { join } from 'node:path';
import { hasOwnNetwork, parseProcNetDev, readContainerNetworkSync } from '../../../agent/stats/procNetDev';

const HEADER = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
];

describe('parseProcNetDev', () => {
  it('reads bytes, packets, errors and drops of each interface', () => {
    const text = [
      ...HEADER,
      '  eth0:  123456     789    1    2    5     6          7         8    65432     321    3    4    9    10      11         12',
      '',
    ].join('\n');
    expect(parseProcNetDev(text)).toEqual([
      {
        interface: 'eth0',
        rxBytes: 123456,
        rxPackets: 789,
        rxErrors: 1,
        rxDropped: 2,
        txBytes: 65432,
        txPackets: 321,
        txErrors: 3,
        txDropped: 4,
      },
    ]);
  });

  it('skips the interfaces cAdvisor ignores (lo, veth, docker, nerdctl, in any case)', () => {
    const line = (name: string): string => `${name}: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0`;
    const text = [
      ...HEADER,
      line('lo'),
      line('Docker1'),
      line('veth1a2b3c'),
      line('docker0'),
      line('nerdctl0'),
      line('eth0'),
      line('wlan0'),
    ];
    expect(parseProcNetDev(text.join('\n')).map((i) => i.interface)).toEqual(['eth0', 'wlan0']);
  });

  it('handles a counter glued to the colon, tabs, and large counters', () => {
    const text = [...HEADER, 'eth1:9007199254740000 1000 0 0 0 0 0 0\t2000 20 0 0 0 0 0 0'].join('\n');
    expect(parseProcNetDev(text)).toEqual([
      expect.objectContaining({ interface: 'eth1', rxBytes: 9007199254740000, rxPackets: 1000, txBytes: 2000 }),
    ]);
  });

  it('skips malformed lines and returns nothing for an empty file', () => {
    expect(parseProcNetDev([...HEADER, 'eth0: 1 2 3', 'garbage'].join('\n'))).toEqual([]);
    expect(parseProcNetDev('')).toEqual([]);
  });
});

describe('hasOwnNetwork', () => {
  it('is false for host and container: network modes and for containers without a process', () => {
    expect(hasOwnNetwork({ networkMode: 'bridge', pid: 10 })).toBe(true);
    expect(hasOwnNetwork({ networkMode: 'my-net', pid: 10 })).toBe(true);
    expect(hasOwnNetwork({ networkMode: 'host', pid: 10 })).toBe(false);
    expect(hasOwnNetwork({ networkMode: 'container:abc', pid: 10 })).toBe(false);
    expect(hasOwnNetwork({ networkMode: 'bridge', pid: 0 })).toBe(false);
  });
});

describe('readContainerNetworkSync', () => {
  const procRoot = join(__dirname, '../../fixtures/proc');

  it('reads <procRoot>/<pid>/net/dev', async () => {
    const network = readContainerNetworkSync(procRoot, { networkMode: 'bridge', pid: 4242 });
    expect(network?.map((n) => [n.interface, n.rxBytes, n.txBytes])).toEqual([['eth0', 123456, 65432]]);
  });

  it('is undefined when the process is gone or the container uses the host network', async () => {
    expect(readContainerNetworkSync(procRoot, { networkMode: 'bridge', pid: 999999 })).toBeUndefined();
    expect(readContainerNetworkSync(procRoot, { networkMode: 'host', pid: 4242 })).toBeUndefined();
  });
});
