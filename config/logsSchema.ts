import { z } from 'zod';
import { duration, integer, regexSource, selector } from './fields';

/** The `logs:` section: which containers' logs are followed and how lines become events. */
export const logsSchema = z.strictObject({
  include: selector().prefault({ names: ['*'] }),
  exclude: selector().prefault({}),
  maxLineBytes: integer(256).prefault(16384),
  multiline: z
    .strictObject({
      start: regexSource(),
      maxLines: integer(2).prefault(200),
      timeout: duration(10).prefault('1s'),
    })
    .optional(),
});

/** The validated `logs:` section. */
export type LogsConfig = z.output<typeof logsSchema>;
