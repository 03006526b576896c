import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TEST_IMAGE_V1 } from './engine';
import type { RunningRegistry } from './registry';
import { runTool } from './toolRun';

/** The three versions of the test app: v1 plain, v2 healthy with a healthcheck, v3 whose healthcheck always fails. */
export const TEST_APP_VERSIONS = ['v1', 'v2', 'v3'] as const;
/** One version of the test app. */
export type TestAppVersion = (typeof TEST_APP_VERSIONS)[number];

const DOCKERFILES: Record<TestAppVersion, string> = {
  v1: [
    'ENV APP_VERSION=1 APP_MODE=default',
    'LABEL app.version=1',
    'COPY version /app/version',
    'CMD ["sh","-c","echo v1 up; sleep 3600"]',
  ].join('\n'),
  v2: [
    'ENV APP_VERSION=2',
    'LABEL app.version=2 app.only-v2=yes',
    'COPY version /app/version',
    'CMD ["sh","-c","echo v2 up; sleep 3600"]',
    'HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD true',
  ].join('\n'),
  v3: [
    'ENV APP_VERSION=3',
    'LABEL app.version=3',
    'COPY version /app/version',
    'CMD ["sh","-c","echo v3 starting; sleep 3600"]',
    "HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD sh -c 'echo v3 not ready >&2; exit 1'",
  ].join('\n'),
};

/** One pushed version: its full reference, the manifest digest the registry serves, and the local image ID. */
export type PushedImage = { ref: string; digest: string; imageId: string };

/** The test app in a registry: `<host>/<repo>` and each version as pushed under `:v1`, `:v2`, `:v3`. */
export type PushedTestApp = { name: string; versions: Record<TestAppVersion, PushedImage> };

/** Runs the docker CLI and returns its output; throws with the output when it fails. */
export async function dockerCli(
  args: string[],
  opts: { configDir?: string; timeoutMs?: number } = {},
): Promise<string> {
  const full = opts.configDir ? ['--config', opts.configDir, ...args] : args;
  const result = await runTool('docker', full, { timeoutMs: opts.timeoutMs ?? 120_000 });
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${result.code}): ${result.output}`);
  return result.output;
}

const FIXED_MTIME = new Date('2026-01-01T00:00:00Z');

async function buildContext(dockerfile: string, files: Record<string, Buffer | string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dockwatch-build-'));
  await writeFile(path.join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content);
    await utimes(path.join(dir, name), FIXED_MTIME, FIXED_MTIME);
  }
  return dir;
}

async function imageId(ref: string): Promise<string | undefined> {
  return dockerCli(['image', 'inspect', '--format', '{{.Id}}', ref]).catch(() => undefined);
}

/**
 * The local image of one test app version, built FROM the local busybox on first use and cached by content
 * (`dockwatch-test/app:<version>-<hash of Dockerfile and base image>`), so repeated runs do not rebuild.
 */
export async function testAppImage(version: TestAppVersion): Promise<string> {
  const base = await imageId(TEST_IMAGE_V1);
  if (!base) throw new Error(`${TEST_IMAGE_V1} is missing (scripts/ensure-test-images.sh builds it)`);
  const dockerfile = `FROM ${TEST_IMAGE_V1}\n${DOCKERFILES[version]}\n`;
  const hash = createHash('sha256').update(base).update(dockerfile).digest('hex').slice(0, 12);
  const local = `dockwatch-test/app:${version}-${hash}`;
  if (await imageId(local)) return local;
  const dir = await buildContext(dockerfile, { version: `${version}\n` });
  try {
    await dockerCli(['build', '-q', '--label', 'dockwatch.test.image=1', '-t', local, dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return local;
}

async function pushAs(registry: RunningRegistry, local: string, target: string): Promise<string> {
  await dockerCli(['tag', local, target]);
  try {
    const output = await dockerCli(['push', target], { configDir: registry.dockerConfigDir });
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
    if (!digest) throw new Error(`docker push ${target} printed no digest: ${output}`);
    return digest;
  } finally {
    await dockerCli(['rmi', '--no-prune', target]).catch(() => undefined);
  }
}

/**
 * Builds (or reuses) the three test app versions and pushes them as `<host>/<repo>:v1|v2|v3`. The registry-named
 * tags are removed locally after the push, so a pull of them goes to the registry (layers already present locally
 * show as "Already exists").
 */
export async function pushTestApp(registry: RunningRegistry, repo: string): Promise<PushedTestApp> {
  const name = `${registry.host}/${repo}`;
  const versions = {} as Record<TestAppVersion, PushedImage>;
  for (const version of TEST_APP_VERSIONS) {
    const local = await testAppImage(version);
    const ref = `${name}:${version}`;
    const digest = await pushAs(registry, local, ref);
    versions[version] = { ref, digest, imageId: (await imageId(local)) ?? '' };
  }
  return { name, versions };
}

/**
 * Moves a tag: pushes the image of `version` under `<host>/<repo>:<tag>` (e.g. v3's image as `:v2` or `:latest`),
 * which is how an "update available" is made. Returns the digest the tag now points to.
 */
export async function pushTestAppAs(
  registry: RunningRegistry,
  repo: string,
  version: TestAppVersion,
  tag: string,
): Promise<PushedImage> {
  const local = await testAppImage(version);
  const ref = `${registry.host}/${repo}:${tag}`;
  const digest = await pushAs(registry, local, ref);
  return { ref, digest, imageId: (await imageId(local)) ?? '' };
}

/**
 * Pushes a one-off image with a layer of `sizeBytes` random bytes as `<host>/<repo>:<tag>` and deletes it locally,
 * so pulling it downloads that layer (real byte progress). Not cached: each call makes new content.
 */
export async function pushFreshImage(
  registry: RunningRegistry,
  repo: string,
  tag: string,
  sizeBytes = 2 * 1024 * 1024,
): Promise<PushedImage> {
  const ref = `${registry.host}/${repo}:${tag}`;
  const dockerfile = `FROM ${TEST_IMAGE_V1}\nCOPY blob /blob\nCOPY blob2 /blob2\nCMD ["sleep","3600"]\n`;
  const half = Math.max(1, Math.floor(sizeBytes / 2));
  const dir = await buildContext(dockerfile, { blob: randomBytes(half), blob2: randomBytes(half) });
  const local = `dockwatch-test/fresh:${randomBytes(6).toString('hex')}`;
  try {
    await dockerCli(['build', '-q', '--label', 'dockwatch.test.image=1', '-t', local, dir]);
    const id = (await imageId(local)) ?? '';
    const digest = await pushAs(registry, local, ref);
    return { ref, digest, imageId: id };
  } finally {
    await dockerCli(['rmi', '-f', local]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
