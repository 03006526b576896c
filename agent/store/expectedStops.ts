import { migrate, type Store } from './database';
import { guardedWrite } from './storeHealth';

const MIGRATIONS = [
  {
    name: 'expected-stops-1',
    sql: 'CREATE TABLE expected_stops (container_id TEXT PRIMARY KEY, until INTEGER NOT NULL)',
  },
];

/**
 * Stops dockwatch asked for, kept in the store so that every process on a data dir knows them: `dockwatch ctl`
 * writes them before it stops, restarts, replaces or removes a container, and the running agent reads them when the
 * container's exit reaches it, so the exit is the operator's (no `unexpected-stop` alert for a `ctl stop`).
 */
export class ExpectedStops {
  constructor(
    private readonly db: Store,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, MIGRATIONS);
  }

  /**
   * The container's exits until `until` (ms) are the operator's; old entries are dropped on the way. A store that
   * refuses the write (disk full) is counted, not thrown: the stop goes ahead, and the agent may then alert on it.
   */
  expect(containerId: string, until: number): void {
    guardedWrite(this.db, 'expected_stops', () => this.write(containerId, until), undefined);
  }

  private write(containerId: string, until: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM expected_stops WHERE until < ?').run(this.now());
      this.db
        .prepare(
          'INSERT INTO expected_stops (container_id, until) VALUES (?, ?) ' +
            'ON CONFLICT (container_id) DO UPDATE SET until = max(until, excluded.until)',
        )
        .run(containerId, until);
    })();
  }

  /** Until when the container's exits are expected, if another process said so and it has not passed. */
  until(containerId: string): number | undefined {
    const row = this.db.prepare('SELECT until FROM expected_stops WHERE container_id = ?').get(containerId) as
      { until: number } | undefined;
    return row && row.until >= this.now() ? row.until : undefined;
  }
}
