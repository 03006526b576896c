import { spawn } from 'node:child_process';
import { freePort } from './freePort';
import { waitFor } from './waitFor';

/** Debian's node exporter binary. */
export const NODE_EXPORTER_BIN = process.env.NODE_EXPORTER_BIN ?? '/usr/bin/prometheus-node-exporter';

/** Starts Debian's node exporter on a free loopback port (for the node_* panels of host dashboards). */
export async function startNodeExporter(): Promise<{ address: string; stop(): Promise<void> }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(NODE_EXPORTER_BIN, [`--web.listen-address=${address}`], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`http://${address}/metrics`)).ok, {
    what: `node exporter at ${address}`,
    timeoutMs: 15_000,
  });
  return {
    address,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
