import { z } from 'zod';
import { duration, integer } from './fields';

/** The `revisions:` section: how many revisions (and their images) are kept per container name, and rollback limits. */
export const revisionsSchema = z.strictObject({
  keep: integer(1).prefault(5),
  rollbackTimeout: duration(1000).prefault('60s'),
});

/** The validated `revisions:` section; `rollbackTimeout` is milliseconds. */
export type RevisionsConfig = z.output<typeof revisionsSchema>;
