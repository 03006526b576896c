import { runCrashSoak } from './crashSoakRig';
import { crashSoakHeld, crashSoakTable } from './crashSoakTally';
import { soakIntegers, soakProgress, type SoakScenario } from './soakScenario';

const USAGE = 'usage: npm run soak -- crash [--seconds N] (default 180; at least 30 kills are expected over 180 s)';

/** Kills the default run must reach (the figure). */
const MIN_KILLS = 30;

/**
 * `npm run soak -- crash`: the agent SIGKILLed every 2–7 s for 3 minutes while 10 containers log 2,000 numbered
 * lines/s in all, start, exit and are removed, and a log rule per marker notifies a webhook; prints the table of
 * kills, lines and alerts (lost, duplicated, same-id repeats) and the store's integrity_check.
 */
export const soak: SoakScenario = {
  name: 'crash',
  description: 'agent SIGKILLed every 2-7 s for 3 min under 2,000 lines/s: lines and alerts exactly once',
  async run(args) {
    const options = soakIntegers(args, { seconds: 180 }, USAGE);
    if (!options) return 2;
    const { seconds } = options;
    const run = await runCrashSoak({
      durationMs: seconds * 1000,
      loggers: 10,
      linesPerSecond: 2000,
      linesPerLogger: 3000,
      killAfterMs: [2000, 7000],
      progress: (m) => soakProgress('crash', m),
    });
    console.log(crashSoakTable(run.tally));
    if (run.repeatWindowsMs.length) {
      console.log(`same-id repeats: first POST ${run.repeatWindowsMs.join(', ')} ms before the kill that followed`);
    }
    for (const p of run.problems) console.log(`problem: ${p}`);
    const enoughKills = seconds < 180 || run.tally.kills >= MIN_KILLS;
    if (!enoughKills) console.log(`problem: only ${run.tally.kills} kills (at least ${MIN_KILLS} expected)`);
    const held = crashSoakHeld(run.tally) && run.problems.length === 0 && enoughKills;
    if (!held) process.stderr.write(`the agent's log (tail):\n${run.agentLog}\n`);
    return held ? 0 : 1;
  },
};
