import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../alerts/notifiers/webhook';

/** The first firing notification that named a container under a rule, as the receiver got it. */
export type Receipt = {
  receivedAt: number;
  activeAt: number;
  createdAt: number;
  /** How many alerts the notification stood for. */
  count: number;
};

/** A local webhook endpoint for the agent under test that keeps when each alert first arrived. */
export type WebhookReceiver = {
  /** The URL to configure as the agent's webhook notifier. */
  url: string;
  /** The first firing notification of `rule` naming `container`, if any came. */
  receipt(rule: string, container: string): Receipt | undefined;
  /** Requests received so far (all kinds). */
  readonly requests: number;
  /** Closes the server and its connections; safe to call twice. */
  stop(): Promise<void>;
};

function record(receipts: Map<string, Receipt>, body: WebhookBody, receivedAt: number): void {
  if (body.kind !== 'alerts' || body.status !== 'firing') return;
  for (const alert of body.alerts) {
    const key = `${body.rule}\n${alert.labels.container ?? ''}`;
    if (receipts.has(key)) continue;
    receipts.set(key, {
      receivedAt,
      activeAt: Date.parse(alert.activeAt),
      createdAt: Date.parse(body.createdAt),
      count: body.count,
    });
  }
}

/** Starts the receiver on a free loopback port; it answers 204 to everything and records JSON alert bodies. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receipts = new Map<string, Receipt>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const receivedAt = Date.now();
      requests += 1;
      try {
        record(receipts, JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody, receivedAt);
      } catch {
        process.stderr.write('[bench] the webhook receiver got a body that is not JSON\n');
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    receipt: (rule, container) => receipts.get(`${rule}\n${container}`),
    get requests() {
      return requests;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
