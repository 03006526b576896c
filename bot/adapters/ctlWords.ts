/**
 * The command words of `dockwatch ctl` with the `--` put back: commander drops the first `--` of the command line
 * and passes the words after it on as plain words, so `ctl --as alice exec web -- ps aux` reaches the action as
 * `exec web ps aux`. `rawArgs` (the process's arguments after the executable and script) say where it was; a `--`
 * before every command word (`ctl --as alice -- ps`) only ended ctl's own options and is not put back.
 */
export function ctlWords(words: readonly string[], rawArgs: readonly string[]): string[] {
  const ctl = rawArgs.indexOf('ctl');
  const dash = ctl === -1 ? -1 : rawArgs.indexOf('--', ctl + 1);
  if (dash === -1) return [...words];
  const rest = rawArgs.slice(dash + 1);
  const before = words.length - rest.length;
  const same = rest.every((w, i) => words[before + i] === w);
  if (before <= 0 || !same) return [...words];
  return [...words.slice(0, before), '--', ...rest];
}
