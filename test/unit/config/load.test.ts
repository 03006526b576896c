import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../../config/configError';
import { loadConfig, resolveConfigPath } from '../../../config/load';
import type { Config } from '../../../config/schema';
import { defaultConfig } from '../../../config/schema';
import { fixture, problemsOf } from './fixtureDir';

const DEFAULTS: Config = {
  docker: {
    host: 'unix:///var/run/docker.sock',
    cgroupRoot: '/sys/fs/cgroup',
    procRoot: '/proc',
    stallTimeout: 10_000,
  },
  agent: { listen: '127.0.0.1:9417', dataDir: './data', hostName: hostname(), logLevel: 'info', logFormat: 'text' },
  containers: { include: { names: ['*'] }, exclude: { labels: { 'dockwatch.ignore': 'true' } } },
  stats: { interval: 5_000, collector: 'auto', apiConcurrency: 8, fsUsageInterval: 300_000, resyncInterval: 300_000 },
  metrics: { containerLabels: ['com.docker.compose.project', 'com.docker.compose.service'] },
  logs: { include: { names: ['*'] }, exclude: {}, maxLineBytes: 16384 },
  alerts: {
    groupWait: 100,
    groupWindow: 30_000,
    repeatInterval: 14_400_000,
    keepFiringFor: 0,
    rules: [],
    routes: [],
    silences: [],
    maintenance: [],
    digest: { schedule: '0 9 * * *', timezone: 'UTC', notifiers: [] },
  },
  notifiers: [],
  revisions: { keep: 5, rollbackTimeout: 60_000, forgetAfter: 604_800_000 },
  images: {
    usageInterval: 300_000,
    updateCheck: {
      enabled: true,
      interval: 21_600_000,
      requestsPerRegistry: 100,
      optOutLabel: 'dockwatch.update-check=false',
    },
  },
  registries: [],
  bot: {
    agents: [],
    confirmTimeout: 60_000,
    commandTimeout: 30_000,
    execTimeout: 30_000,
    rateLimit: { commands: 10, per: 60_000 },
    roles: {},
    members: [],
  },
};

describe('loadConfig', () => {
  it('gives every default without a file', () => {
    expect(loadConfig({ env: {} })).toEqual(DEFAULTS);
    expect(defaultConfig()).toEqual(DEFAULTS);
  });

  it('reads every key of full.yaml, expanding ${VAR}', () => {
    const config = loadConfig({ file: fixture('full.yaml'), env: { DOCKWATCH_TEST_TOKEN: 's3cret-token' } });
    expect(config).toEqual({
      docker: {
        host: 'tcp://docker.internal:2376',
        tls: {
          ca: '/etc/dockwatch/certs/ca.pem',
          cert: '/etc/dockwatch/certs/cert.pem',
          key: '/etc/dockwatch/certs/key.pem',
          verify: false,
        },
        cgroupRoot: '/host/sys/fs/cgroup',
        procRoot: '/host/proc',
        stallTimeout: 10_000,
      },
      agent: {
        listen: '[::]:9500',
        dataDir: '/var/lib/dockwatch',
        hostName: 'build-01',
        token: 's3cret-token',
        logLevel: 'debug',
        logFormat: 'json',
      },
      containers: {
        include: { names: ['web-*', 'api-?', 'db[12]'] },
        exclude: {
          names: ['*-sidecar'],
          labels: { 'dockwatch.ignore': 'true', 'com.docker.compose.project': 'scratch-*' },
        },
      },
      stats: {
        interval: 10_000,
        collector: 'api',
        apiConcurrency: 16,
        fsUsageInterval: 5_400_000,
        resyncInterval: 120_000,
      },
      metrics: {
        containerLabels: [
          'com.docker.compose.project',
          'com.docker.compose.service',
          'org.opencontainers.image.version',
        ],
      },
      logs: {
        include: { labels: { 'com.docker.compose.project': 'shop' } },
        exclude: { names: ['*-debug'] },
        maxLineBytes: 4096,
        multiline: { start: '^\\S', maxLines: 50, timeout: 500 },
      },
      alerts: DEFAULTS.alerts,
      notifiers: [],
      revisions: DEFAULTS.revisions,
      images: DEFAULTS.images,
      registries: DEFAULTS.registries,
      bot: DEFAULTS.bot,
    } satisfies Config);
  });

  it('treats an empty file, and keys left empty, as defaults', () => {
    expect(loadConfig({ file: '/dev/null', env: {} })).toEqual(DEFAULTS);
  });

  describe('the config file path', () => {
    it('comes from opts.file, else DOCKWATCH_CONFIG, else none', () => {
      const env = { DOCKWATCH_CONFIG: 'from-env.yaml' };
      expect(resolveConfigPath({ file: 'flag.yaml', env })).toBe(resolve('flag.yaml'));
      expect(resolveConfigPath({ env })).toBe(resolve('from-env.yaml'));
      expect(resolveConfigPath({ env: {} })).toBeUndefined();
    });

    it('DOCKWATCH_CONFIG loads that file and is not an override', () => {
      const env = { DOCKWATCH_CONFIG: fixture('full.yaml'), DOCKWATCH_TEST_TOKEN: 't' };
      expect(loadConfig({ env }).agent.hostName).toBe('build-01');
    });
  });

  describe('${VAR} expansion', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'dockwatch-config-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function loadText(text: string, env: NodeJS.ProcessEnv): Config {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, text);
      return loadConfig({ file, env });
    }

    it('feeds numbers, booleans and durations through their field types', () => {
      const config = loadText(
        [
          'docker: { host: "tcp://${ENGINE}:2376", tls: { verify: "${VERIFY}" } }',
          'stats: { interval: "${EVERY}", apiConcurrency: "${N}" }',
        ].join('\n'),
        { ENGINE: 'engine.local', VERIFY: 'false', EVERY: '15s', N: '4' },
      );
      expect(config.docker).toMatchObject({ host: 'tcp://engine.local:2376', tls: { verify: false } });
      expect(config.stats).toMatchObject({ interval: 15_000, apiConcurrency: 4 });
    });

    it('an empty token is no token', () => {
      expect(loadText('agent: { token: "${EMPTY}" }\n', { EMPTY: '' }).agent.token).toBeUndefined();
    });

    it('an unset variable does not also report the problems it causes', () => {
      expect(() => loadText('agent: { listen: "0.0.0.0:9417", token: "${UNSET}" }\n', {})).toThrow(
        new ConfigError(['agent.token: environment variable UNSET is not set'], join(dir, 'config.yaml')),
      );
    });
  });

  describe('env overrides', () => {
    it('override the file, per key, with the schema types', () => {
      const config = loadConfig({
        file: fixture('full.yaml'),
        env: {
          DOCKWATCH_TEST_TOKEN: 'from-file',
          DOCKWATCH_STATS_INTERVAL: '2s',
          DOCKWATCH_STATS_API_CONCURRENCY: '3',
          DOCKWATCH_DOCKER_TLS_VERIFY: 'true',
          DOCKWATCH_AGENT_TOKEN: 'from-env',
          DOCKWATCH_AGENT_DATA_DIR: '/srv/dockwatch',
          DOCKWATCH_METRICS_CONTAINER_LABELS: 'a, b,,c',
          DOCKWATCH_CONTAINERS_INCLUDE_NAMES: 'only-*',
        },
      });
      expect(config.stats.interval).toBe(2_000);
      expect(config.stats.apiConcurrency).toBe(3);
      expect(config.docker.tls?.verify).toBe(true);
      expect(config.agent.token).toBe('from-env');
      expect(config.agent.dataDir).toBe('/srv/dockwatch');
      expect(config.metrics.containerLabels).toEqual(['a', 'b', 'c']);
      expect(config.containers.include).toEqual({ names: ['only-*'] });
      expect(config.stats.collector).toBe('api');
    });

    it('apply without a file, and an empty value counts as unset', () => {
      const config = loadConfig({
        env: { DOCKWATCH_AGENT_LISTEN: '0.0.0.0:9417', DOCKWATCH_AGENT_TOKEN: 'x', DOCKWATCH_STATS_INTERVAL: '' },
      });
      expect(config.agent.listen).toBe('0.0.0.0:9417');
      expect(config.stats.interval).toBe(5_000);
    });

    it('name the env var in errors', () => {
      const env = {
        DOCKWATCH_STATS_INTERVAL: '5 sec',
        DOCKWATCH_STATS_API_CONCURRENCY: 'many',
        DOCKWATCH_DOCKER_HOST: 'docker',
      };
      expect(problemsOf(() => loadConfig({ env }))).toEqual([
        'docker.host (env DOCKWATCH_DOCKER_HOST): "docker" is not unix:///PATH or tcp://HOST:PORT',
        'stats.interval (env DOCKWATCH_STATS_INTERVAL): "5 sec" is not a duration (use e.g. 500ms, 5s, 1m, 4h)',
        'stats.apiConcurrency (env DOCKWATCH_STATS_API_CONCURRENCY): expected an integer, got "many"',
      ]);
    });
  });

  describe('flags', () => {
    it('win over env overrides and the file', () => {
      const config = loadConfig({
        file: fixture('full.yaml'),
        env: { DOCKWATCH_TEST_TOKEN: 't', DOCKWATCH_AGENT_LISTEN: '127.0.0.1:1', DOCKWATCH_AGENT_LOG_LEVEL: 'warn' },
        flags: {
          listen: '127.0.0.1:2',
          dockerHost: 'https://10.1.2.3:2376',
          dataDir: '/tmp/dw',
          logLevel: 'error',
          logFormat: 'text',
        },
      });
      expect(config.agent).toMatchObject({
        listen: '127.0.0.1:2',
        dataDir: '/tmp/dw',
        logLevel: 'error',
        logFormat: 'text',
      });
      expect(config.docker.host).toBe('https://10.1.2.3:2376');
    });

    it('are named in errors', () => {
      const flags = { listen: 'nope', logLevel: 'loud' as 'info' };
      expect(problemsOf(() => loadConfig({ env: {}, flags }))).toEqual([
        'agent.listen (--listen): "nope" is not HOST:PORT',
        'agent.logLevel (--log-level): "loud" is not one of error, warn, info, debug',
      ]);
    });

    it('a non-loopback --listen needs a token', () => {
      expect(problemsOf(() => loadConfig({ env: {}, flags: { listen: '0.0.0.0:9417' } }))).toEqual([
        'agent.token: required when agent.listen (0.0.0.0:9417) is not a loopback address',
      ]);
      expect(loadConfig({ env: { DOCKWATCH_AGENT_TOKEN: 'x' }, flags: { listen: '0.0.0.0:9417' } }).agent.token).toBe(
        'x',
      );
    });
  });

  describe('DOCKER_HOST', () => {
    const DOCKER_HOST = 'tcp://127.0.0.1:2375';

    it('is the fallback when nothing else sets docker.host', () => {
      expect(loadConfig({ env: { DOCKER_HOST } }).docker.host).toBe(DOCKER_HOST);
    });

    it('loses to the file, the env override and the flag', () => {
      const token = { DOCKWATCH_TEST_TOKEN: 't' };
      expect(loadConfig({ file: fixture('full.yaml'), env: { DOCKER_HOST, ...token } }).docker.host).toBe(
        'tcp://docker.internal:2376',
      );
      const override = 'unix:///override.sock';
      expect(loadConfig({ env: { DOCKER_HOST, DOCKWATCH_DOCKER_HOST: override } }).docker.host).toBe(override);
      expect(loadConfig({ env: { DOCKER_HOST }, flags: { dockerHost: override } }).docker.host).toBe(override);
    });

    it('is named in errors', () => {
      expect(problemsOf(() => loadConfig({ env: { DOCKER_HOST: 'ssh://me@host' } }))).toEqual([
        'docker.host (env DOCKER_HOST): "ssh://me@host" is not unix:///PATH or tcp://HOST:PORT',
      ]);
    });
  });
});
