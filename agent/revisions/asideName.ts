/** Suffix of a container renamed aside during a rollback. */
const ASIDE = /-dockwatch-old-\d+$/;

/** The name a container is renamed to while its replacement starts: `<name>-dockwatch-old-<ms>`. */
export function asideName(name: string, now: number): string {
  return `${name}-dockwatch-old-${now}`;
}

/** Whether a name is one given by {@link asideName} (such containers get no revisions). */
export function isAsideName(name: string): boolean {
  return ASIDE.test(name);
}
