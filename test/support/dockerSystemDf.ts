import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The docker CLI the comparison runs (the newer client in /usr/local/bin when on PATH first). */
export const DOCKER_BIN = process.env.DOCKER_BIN ?? 'docker';

/** One image row of `docker system df -v` (sizes as the CLI prints them, e.g. `1.98MB`). */
export type CliImageRow = { ID: string; Size: string; SharedSize: string; UniqueSize: string; Containers: string };

/** One line of `docker system df`: Type, TotalCount, Active, Size, Reclaimable (`1.2MB (50%)`). */
export type CliTotalRow = { Type: string; TotalCount: string; Active: string; Size: string; Reclaimable: string };

/**
 * Runs the docker CLI, retrying while the engine says another disk usage computation runs (engines before 23 allow
 * only one at a time, and other tests or the agent may be running one).
 */
async function docker(args: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await run(DOCKER_BIN, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (err) {
      const text = `${(err as { stderr?: string }).stderr ?? ''}${(err as Error).message}`;
      if (attempt >= 40 || !/disk usage operation is already running/.test(text)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** `docker system df -v --format '{{json .}}'`: the image rows (one per image, the CLI shows its first tag). */
export async function cliImageRows(): Promise<CliImageRow[]> {
  const out = JSON.parse(await docker(['system', 'df', '-v', '--format', '{{json .}}'])) as { Images: CliImageRow[] };
  return out.Images;
}

/** `docker system df --format '{{json .}}'`: the four total lines. */
export async function cliTotals(): Promise<CliTotalRow[]> {
  const out = await docker(['system', 'df', '--format', '{{json .}}']);
  return out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CliTotalRow);
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };

/**
 * A size as the CLI prints it (go-units' decimal HumanSize: `1.983MB`, `319MB`, `0B`) as bytes, with how far the true
 * value may be from it: half a step of the last digit printed.
 */
export function parseCliSize(text: string): { bytes: number; tolerance: number } {
  const match = /^(\d+(?:\.(\d+))?)\s*(B|kB|MB|GB|TB|PB)$/.exec(text.trim());
  if (!match) throw new Error(`not a docker CLI size: ${JSON.stringify(text)}`);
  const unit = UNITS[match[3] as string] as number;
  const decimals = match[2]?.length ?? 0;
  return { bytes: Number(match[1]) * unit, tolerance: (unit * 0.5) / 10 ** decimals };
}

/** Whether `bytes` prints as the CLI's `text` (within the CLI's rounding). */
export function sameAsCli(bytes: number, text: string): boolean {
  const { bytes: shown, tolerance } = parseCliSize(text);
  return Math.abs(bytes - shown) <= tolerance + 1e-6 * shown;
}
