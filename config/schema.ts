import { hostname } from 'node:os';
import { z } from 'zod';
import { isEmptySelector } from './containerSelector';
import { dockerHostScheme } from './dockerHost';
import {
  dockerHost,
  duration,
  flag,
  hostPort,
  integer,
  optionalText,
  secret,
  selector,
  stringList,
  text,
  whenValid,
} from './fields';
import { isLoopbackHost, parseHostPort } from './hostPort';
import { isMapping } from './keyPath';
import { alertsSchema } from './alertsSchema';
import { logsSchema } from './logsSchema';
import { botSchema } from './botSchema';
import { notifiersSchema } from './notifiersSchema';
import { revisionsSchema } from './revisionsSchema';
import { imagesSchema } from './imagesSchema';
import { registriesSchema } from './registriesSchema';

/** Log levels, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** Log output formats. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** How container stats are read: `auto` picks cgroup files when readable, else the Engine API. */
export const STATS_COLLECTORS = ['auto', 'cgroup', 'api'] as const;

const SECOND = 1000;

const tlsSchema = z.strictObject({
  ca: text().optional(),
  cert: text().optional(),
  key: text().optional(),
  verify: flag().prefault(true),
});

const dockerSchema = z
  .strictObject({
    host: dockerHost().prefault('unix:///var/run/docker.sock'),
    tls: tlsSchema.optional(),
    cgroupRoot: text().prefault('/sys/fs/cgroup'),
    procRoot: text().prefault('/proc'),
    /** How long the engine may leave `GET /_ping` unanswered before it counts as down (a hung dockerd). */
    stallTimeout: duration(SECOND)
      .pipe(z.number().min(SECOND, 'at least 1s (the engine is pinged every half of it)'))
      .prefault('10s'),
  })
  .superRefine(
    (docker, ctx) => {
      const tls: unknown = docker.tls;
      if (!isMapping(tls)) return;
      if (tls.cert !== undefined && tls.key === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tls', 'key'], message: 'required when docker.tls.cert is set' });
      }
      if (tls.key !== undefined && tls.cert === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tls', 'cert'], message: 'required when docker.tls.key is set' });
      }
      const scheme = typeof docker.host === 'string' ? dockerHostScheme(docker.host) : undefined;
      if (scheme === 'unix' || scheme === 'http') {
        const message = `needs a tcp:// or https:// docker.host, not ${docker.host}`;
        ctx.addIssue({ code: 'custom', path: ['tls'], message });
      }
    },
    whenValid('host', 'tls'),
  );

const agentSchema = z
  .strictObject({
    listen: hostPort().prefault('127.0.0.1:9417'),
    dataDir: text().prefault('./data'),
    hostName: text().prefault(() => hostname()),
    token: secret(optionalText()).optional(),
    tls: z.strictObject({ cert: text(), key: text() }).optional(),
    logLevel: z.enum(LOG_LEVELS).prefault('info'),
    logFormat: z.enum(LOG_FORMATS).prefault('text'),
  })
  .superRefine(
    (agent, ctx) => {
      const address = typeof agent.listen === 'string' ? parseHostPort(agent.listen) : undefined;
      if (address && !isLoopbackHost(address.host) && agent.token === undefined) {
        const message = `required when agent.listen (${agent.listen}) is not a loopback address`;
        ctx.addIssue({ code: 'custom', path: ['token'], message });
      }
    },
    whenValid('listen', 'token'),
  );

const containersSchema = z
  .strictObject({
    include: selector().prefault({ names: ['*'] }),
    exclude: selector().prefault({ labels: { 'dockwatch.ignore': 'true' } }),
  })
  .superRefine((containers, ctx) => {
    if (isMapping(containers.include) && isEmptySelector(containers.include)) {
      const message = 'selects no container (give names or labels; names: ["*"] selects all)';
      ctx.addIssue({ code: 'custom', path: ['include'], message });
    }
  }, whenValid('include'));

const statsSchema = z.strictObject({
  interval: duration(SECOND).prefault('5s'),
  collector: z.enum(STATS_COLLECTORS).prefault('auto'),
  apiConcurrency: integer(1).prefault(8),
  fsUsageInterval: duration(SECOND).prefault('5m'),
  resyncInterval: duration(SECOND).prefault('5m'),
});

const metricsSchema = z.strictObject({
  containerLabels: stringList().prefault(['com.docker.compose.project', 'com.docker.compose.service']),
});

/** The whole configuration file: unknown keys rejected, every key optional with a default. Durations parse to ms. */
export const configSchema = z
  .strictObject({
    docker: dockerSchema.prefault({}),
    agent: agentSchema.prefault({}),
    containers: containersSchema.prefault({}),
    stats: statsSchema.prefault({}),
    metrics: metricsSchema.prefault({}),
    logs: logsSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
    notifiers: notifiersSchema,
    revisions: revisionsSchema.prefault({}),
    images: imagesSchema.prefault({}),
    registries: registriesSchema,
    bot: botSchema.prefault({}),
  })
  .superRefine(
    (config, ctx) => {
      if (!isMapping(config) || !Array.isArray(config.notifiers) || !isMapping(config.alerts)) return;
      const names = new Set(config.notifiers.map((n) => n.name));
      const known = names.size ? [...names].join(', ') : 'none are defined';
      const check = (list: readonly string[], path: (string | number)[]) =>
        list.forEach((name, i) => {
          if (names.has(name)) return;
          const message = `${JSON.stringify(name)} is not a defined notifier (notifiers: ${known})`;
          ctx.addIssue({ code: 'custom', path: [...path, i], message });
        });
      config.alerts.routes.forEach((route, i) => check(route.notifiers, ['alerts', 'routes', i, 'notifiers']));
      check(config.alerts.digest.notifiers, ['alerts', 'digest', 'notifiers']);
    },
    whenValid('alerts', 'notifiers'),
  );

/** The validated configuration with defaults applied; durations (`stats.interval`, …) are milliseconds. */
export type Config = z.output<typeof configSchema>;

/** The configuration with every default (hostName from this machine); handy in tests. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
