import { z } from 'zod';
import { duration, flag, integer, text } from './fields';

/**
 * `images.updateCheck`: how often the agent asks each running container's registry whether its tag now points to
 * another digest (manifest HEAD, never a pull), how many requests it may send to one registry per check, and the
 * label a container carries to opt out.
 */
const updateCheckSchema = z.strictObject({
  enabled: flag().prefault(true),
  interval: duration(10_000).prefault('6h'),
  requestsPerRegistry: integer(1).prefault(100),
  optOutLabel: text().prefault('dockwatch.update-check=false'),
});

/**
 * The `images:` section: how often image and disk-usage figures are refreshed (the engine's `system df` is expensive,
 * so never on the scrape path) and the update check.
 */
export const imagesSchema = z.strictObject({
  usageInterval: duration(10_000).prefault('5m'),
  updateCheck: updateCheckSchema.prefault({}),
});

/** The validated `images:` section; durations in milliseconds. */
export type ImagesConfig = z.output<typeof imagesSchema>;
