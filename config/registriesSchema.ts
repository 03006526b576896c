import { z } from 'zod';
import { secret, text } from './fields';

/** One registry's credentials: `host` as image references name it (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
const registrySchema = z.strictObject({
  host: text().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a registry host such as ghcr.io or 127.0.0.1:5000'),
  username: text(),
  password: secret(text()),
});

/**
 * The `registries:` section: credentials for pulls, deploys and update checks. Docker's config.json `auths` are
 * honoured too; an entry here wins for its host.
 */
export const registriesSchema = z
  .array(registrySchema)
  .prefault([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((r, i) => {
      const host = r.host.toLowerCase();
      if (seen.has(host)) ctx.addIssue({ code: 'custom', path: [i, 'host'], message: `${r.host} is listed twice` });
      seen.add(host);
    });
  });

/** The validated `registries:` list. */
export type RegistriesConfig = z.output<typeof registriesSchema>;
