import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema';
import type { ListenerTls } from '../exporters/metricsServer';

/**
 * Reads `agent.tls` (PEM files) for the agent's listener; an error naming the key and the file when one cannot be
 * read or is not PEM. Undefined without `agent.tls` (plain HTTP).
 */
export function readListenerTls(tls: Config['agent']['tls']): ListenerTls | undefined {
  if (!tls) return undefined;
  return {
    cert: readPem('agent.tls.cert', tls.cert, 'CERTIFICATE'),
    key: readPem('agent.tls.key', tls.key, 'PRIVATE KEY'),
  };
}

function readPem(key: string, file: string, kind: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new Error(`${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!pem.toString('latin1').includes(`${kind}-----`)) {
    throw new Error(`${key}: ${file} holds no PEM ${kind.toLowerCase()}`);
  }
  return pem;
}
