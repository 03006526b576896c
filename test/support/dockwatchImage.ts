import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runTool } from './toolRun';
import { waitFor } from './waitFor';

/** The repository root (the Dockerfile, dist/, package-lock.json and node_modules/ are read from here). */
export const REPO_ROOT = join(__dirname, '../..');
/** The locally made base image (scripts/build-base-image.sh). */
export const BASE_IMAGE = 'dockwatch-base/node:20-slim';
/** Repository of the images the tests build; the tag is a hash of what goes into the image. */
export const TEST_IMAGE_REPO = 'dockwatch-test/dockwatch';

const LOCK_DIR = join(tmpdir(), 'dockwatch-image-build.lock');
const BUILD_TIMEOUT_MS = 10 * 60_000;

type LockEntry = { dev?: boolean; link?: boolean };
type Lockfile = { packages: Record<string, LockEntry> };

function docker(args: string[], timeoutMs = 60_000) {
  return runTool('docker', args, { timeoutMs });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** A hash of everything the PREBUILT image is made of: Dockerfile, package files, dist/ and the base image's id. */
function contentHash(baseId: string): string {
  const hash = createHash('sha256').update(baseId);
  const files = [
    join(REPO_ROOT, 'Dockerfile'),
    join(REPO_ROOT, 'package.json'),
    join(REPO_ROOT, 'package-lock.json'),
    ...filesUnder(join(REPO_ROOT, 'dist')),
  ];
  for (const file of files) hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * Fills `stage` with the PREBUILT=1 build context: dist/, package.json, package-lock.json and only the production
 * packages of node_modules/ (lock entries not marked dev), copied (never linked: the repository's files stay as
 * they are).
 */
function stageContext(stage: string): void {
  for (const name of ['dist', 'package.json', 'package-lock.json']) {
    cpSync(join(REPO_ROOT, name), join(stage, name), { recursive: true });
  }
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const copied: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b))) {
    if (path === '' || entry.dev === true || entry.link === true) continue;
    if (copied.some((done) => path.startsWith(`${done}/`))) continue;
    const source = join(REPO_ROOT, path);
    if (!existsSync(source)) continue; // an optional package for another platform
    cpSync(source, join(stage, path), { recursive: true, verbatimSymlinks: true });
    copied.push(path);
  }
  writeFileSync(join(stage, '.dockerignore'), '');
}

async function imageExists(ref: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', ref])).code === 0;
}

/** Serialises builds across jest workers (image and swarm tests may start at once); a dead holder's lock is taken. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  await waitFor(
    async () => {
      try {
        mkdirSync(LOCK_DIR);
        writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
        return true;
      } catch {
        const holder = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
        if (Number.isInteger(holder) && holder > 0 && !existsSync(`/proc/${holder}`)) {
          rmSync(LOCK_DIR, { recursive: true, force: true });
        } else if (Date.now() - statSync(LOCK_DIR).mtimeMs > BUILD_TIMEOUT_MS) {
          rmSync(LOCK_DIR, { recursive: true, force: true });
        }
        return false;
      }
    },
    {
      what: 'another test process to finish building the dockwatch image',
      timeoutMs: BUILD_TIMEOUT_MS,
      intervalMs: 500,
    },
  );
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * The dockwatch image for this tree, built with the repository's Dockerfile on the local base through the PREBUILT=1
 * path (this machine has no registry for `npm ci` inside a build) unless an image with the same content hash exists.
 * Needs `npm run build` first (npm test does it). Returns the image reference; older test builds are removed.
 */
export async function ensureDockwatchImage(): Promise<string> {
  if (!existsSync(join(REPO_ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const base = await runTool('bash', [join(REPO_ROOT, 'scripts/build-base-image.sh')], { timeoutMs: BUILD_TIMEOUT_MS });
  if (base.code !== 0) throw new Error(`scripts/build-base-image.sh failed:\n${base.output}`);
  const baseId = (await docker(['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE])).output;
  const ref = `${TEST_IMAGE_REPO}:${contentHash(baseId)}`;
  if (await imageExists(ref)) return ref;
  return withBuildLock(async () => {
    if (await imageExists(ref)) return ref;
    const stage = mkdtempSync(join(tmpdir(), 'dockwatch-image-context-'));
    try {
      stageContext(stage);
      const build = await docker(
        [
          'build',
          '--build-arg',
          'PREBUILT=1',
          '--build-arg',
          `BASE=${BASE_IMAGE}`,
          '-f',
          join(REPO_ROOT, 'Dockerfile'),
          '-t',
          ref,
          stage,
        ],
        BUILD_TIMEOUT_MS,
      );
      if (build.code !== 0) throw new Error(`docker build failed:\n${build.output.slice(-4000)}`);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    await removeOlderBuilds(ref);
    return ref;
  });
}

async function removeOlderBuilds(keep: string): Promise<void> {
  const listed = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', TEST_IMAGE_REPO]);
  for (const ref of listed.output.split('\n').filter((r) => r && r !== keep && !r.endsWith(':<none>'))) {
    await docker(['image', 'rm', ref]); // fails harmlessly while a container still uses it
  }
  await docker(['image', 'prune', '--force', '--filter', 'label=dockwatch.stage=build']);
}
