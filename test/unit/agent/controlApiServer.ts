import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlApi } from '../../../api/controlApi';
import { createLogger, type Logger } from '../../../shared/logger';
import { Silences } from '../../../alerts/silences';
import type { AgentClient } from '../../../bot/agentClient';

/** A control API served on a loopback port: its base URL and how to stop it. */
export type ControlApiServer = { url: string; close(): Promise<void> };

/**
 * Serves the control API over `agent` (no alerts, engine up, host `unit-host`, bearer `token`) on a free loopback
 * port; the logger is silent unless one is given.
 */
export async function serveControlApi(
  agent: AgentClient,
  token: string,
  logger: Logger = createLogger({ level: 'error', format: 'text', silent: true }),
): Promise<ControlApiServer> {
  const api = new ControlApi({
    engine: { alerts: () => [], silences: new Silences([], Date.now), silencedBy: () => undefined },
    changed: () => undefined,
    hostName: 'unit-host',
    version: '0.0.0',
    engineUp: () => true,
    token,
    logger,
    agent,
  });
  const server = http.createServer((req, res) => void api.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
