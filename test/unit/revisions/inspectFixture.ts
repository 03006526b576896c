import type { ContainerInspectInfo } from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Inspect payloads captured from the engine (Debian dockerd 20.10): `docker run` with many options, and an API create. */
export const inspectFixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as ContainerInspectInfo;
