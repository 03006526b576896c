import fs from 'node:fs';
import path from 'node:path';
import type { SoakScenario } from './soakScenario';

const USAGE = `usage: npm run soak -- [--list] [NAME [ARGS…]]
  no NAME: runs every scenario with its defaults, one after the other
  NAME:    runs that scenario, passing it ARGS`;

/** Every `*Soak.js` file beside this one, by the name its scenario declares. */
function scenarios(): Map<string, SoakScenario> {
  const found = new Map<string, SoakScenario>();
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('Soak.js'))
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the scenarios are found at run time
    const mod = require(path.join(__dirname, file)) as { soak?: SoakScenario };
    if (mod.soak) found.set(mod.soak.name, mod.soak);
  }
  return found;
}

/** `npm run soak`: the long fault scenarios of the Reliability table, whose bounded variants run in the test suite. */
async function main(argv: readonly string[]): Promise<number> {
  const all = scenarios();
  if (argv[0] === '--help' || argv[0] === '-h') return (void console.log(USAGE), 0);
  if (argv[0] === '--list') {
    for (const s of all.values()) console.log(`${s.name.padEnd(16)} ${s.description}`);
    return 0;
  }
  const [name, ...args] = argv;
  if (name !== undefined) {
    const chosen = all.get(name);
    if (!chosen) {
      console.error(
        `no soak scenario named ${JSON.stringify(name)}; there are: ${[...all.keys()].join(', ')}\n${USAGE}`,
      );
      return 2;
    }
    return chosen.run(args);
  }
  let failed = 0;
  for (const s of all.values()) if ((await s.run([])) !== 0) failed += 1;
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    process.exitCode = 1;
  },
);
