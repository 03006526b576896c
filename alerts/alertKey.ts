/** The grouping labels as text, sorted: `{container="web"}`, or empty without labels. */
export function groupId(group: Readonly<Record<string, string>>): string {
  const names = Object.keys(group);
  if (names.length === 0) return '';
  const pairs = names.sort().map((name) => `${name}=${JSON.stringify(group[name])}`);
  return `{${pairs.join(',')}}`;
}

/** The identity of an alert: the rule name plus its sorted grouping labels, e.g. `crashed{container="web"}`. */
export function alertKey(rule: string, group: Readonly<Record<string, string>>): string {
  return rule + groupId(group);
}
