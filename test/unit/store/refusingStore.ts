import type { Store } from '../../../agent/store/database';

/**
 * Makes the store refuse every insert, update and delete on `tables` the way a full disk does (SQLite itself raises
 * the error, from temporary triggers); returns a function that lets writes through again.
 */
export function refuseWrites(db: Store, tables: readonly string[]): () => void {
  const names: string[] = [];
  for (const table of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const name = `refuse_${op.toLowerCase()}_${table}`;
      db.exec(
        `CREATE TEMP TRIGGER ${name} BEFORE ${op} ON main.${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
      );
      names.push(name);
    }
  }
  return () => names.forEach((name) => db.exec(`DROP TRIGGER IF EXISTS temp.${name}`));
}
