import { z } from 'zod';
import { duration, integer } from './fields';

/**
 * The `revisions:` section: how many revisions (and their images) are kept per container name, how long a name that
 * no container carries any more keeps them, and rollback limits.
 */
export const revisionsSchema = z.strictObject({
  keep: integer(1).prefault(5),
  rollbackTimeout: duration(1000).prefault('60s'),
  forgetAfter: duration(60_000).prefault('7d'),
});

/** The validated `revisions:` section; `rollbackTimeout` and `forgetAfter` are milliseconds. */
export type RevisionsConfig = z.output<typeof revisionsSchema>;
