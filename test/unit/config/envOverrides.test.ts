import { applyEnvOverrides, ENV_OVERRIDES, envVarName } from '../../../config/envOverrides';

describe('env overrides', () => {
  it('splits camelCase into words', () => {
    expect(envVarName(['stats', 'fsUsageInterval'])).toBe('DOCKWATCH_STATS_FS_USAGE_INTERVAL');
    expect(envVarName(['agent', 'dataDir'])).toBe('DOCKWATCH_AGENT_DATA_DIR');
  });

  it('cover every scalar and string-list leaf, derived from the schema', () => {
    expect(ENV_OVERRIDES.map((o) => `${o.name} ${o.path.join('.')} ${o.kind}`)).toEqual([
      'DOCKWATCH_DOCKER_HOST docker.host string',
      'DOCKWATCH_DOCKER_TLS_CA docker.tls.ca string',
      'DOCKWATCH_DOCKER_TLS_CERT docker.tls.cert string',
      'DOCKWATCH_DOCKER_TLS_KEY docker.tls.key string',
      'DOCKWATCH_DOCKER_TLS_VERIFY docker.tls.verify boolean',
      'DOCKWATCH_DOCKER_CGROUP_ROOT docker.cgroupRoot string',
      'DOCKWATCH_DOCKER_PROC_ROOT docker.procRoot string',
      'DOCKWATCH_DOCKER_STALL_TIMEOUT docker.stallTimeout duration',
      'DOCKWATCH_AGENT_LISTEN agent.listen string',
      'DOCKWATCH_AGENT_DATA_DIR agent.dataDir string',
      'DOCKWATCH_AGENT_HOST_NAME agent.hostName string',
      'DOCKWATCH_AGENT_TOKEN agent.token string',
      'DOCKWATCH_AGENT_TLS_CERT agent.tls.cert string',
      'DOCKWATCH_AGENT_TLS_KEY agent.tls.key string',
      'DOCKWATCH_AGENT_LOG_LEVEL agent.logLevel enum',
      'DOCKWATCH_AGENT_LOG_FORMAT agent.logFormat enum',
      'DOCKWATCH_CONTAINERS_INCLUDE_NAMES containers.include.names stringList',
      'DOCKWATCH_CONTAINERS_EXCLUDE_NAMES containers.exclude.names stringList',
      'DOCKWATCH_STATS_INTERVAL stats.interval duration',
      'DOCKWATCH_STATS_COLLECTOR stats.collector enum',
      'DOCKWATCH_STATS_API_CONCURRENCY stats.apiConcurrency number',
      'DOCKWATCH_STATS_FS_USAGE_INTERVAL stats.fsUsageInterval duration',
      'DOCKWATCH_STATS_RESYNC_INTERVAL stats.resyncInterval duration',
      'DOCKWATCH_METRICS_CONTAINER_LABELS metrics.containerLabels stringList',
      'DOCKWATCH_LOGS_INCLUDE_NAMES logs.include.names stringList',
      'DOCKWATCH_LOGS_EXCLUDE_NAMES logs.exclude.names stringList',
      'DOCKWATCH_LOGS_MAX_LINE_BYTES logs.maxLineBytes number',
      'DOCKWATCH_LOGS_MULTILINE_START logs.multiline.start string',
      'DOCKWATCH_LOGS_MULTILINE_MAX_LINES logs.multiline.maxLines number',
      'DOCKWATCH_LOGS_MULTILINE_TIMEOUT logs.multiline.timeout duration',
      'DOCKWATCH_ALERTS_GROUP_WAIT alerts.groupWait duration',
      'DOCKWATCH_ALERTS_GROUP_WINDOW alerts.groupWindow duration',
      'DOCKWATCH_ALERTS_REPEAT_INTERVAL alerts.repeatInterval duration',
      'DOCKWATCH_ALERTS_KEEP_FIRING_FOR alerts.keepFiringFor duration',
      'DOCKWATCH_ALERTS_DIGEST_SCHEDULE alerts.digest.schedule string',
      'DOCKWATCH_ALERTS_DIGEST_TIMEZONE alerts.digest.timezone string',
      'DOCKWATCH_ALERTS_DIGEST_NOTIFIERS alerts.digest.notifiers stringList',
      'DOCKWATCH_REVISIONS_KEEP revisions.keep number',
      'DOCKWATCH_REVISIONS_ROLLBACK_TIMEOUT revisions.rollbackTimeout duration',
      'DOCKWATCH_REVISIONS_FORGET_AFTER revisions.forgetAfter duration',
      'DOCKWATCH_IMAGES_USAGE_INTERVAL images.usageInterval duration',
      'DOCKWATCH_IMAGES_UPDATE_CHECK_ENABLED images.updateCheck.enabled boolean',
      'DOCKWATCH_IMAGES_UPDATE_CHECK_INTERVAL images.updateCheck.interval duration',
      'DOCKWATCH_IMAGES_UPDATE_CHECK_REQUESTS_PER_REGISTRY images.updateCheck.requestsPerRegistry number',
      'DOCKWATCH_IMAGES_UPDATE_CHECK_OPT_OUT_LABEL images.updateCheck.optOutLabel string',
      'DOCKWATCH_BOT_DISCORD_TOKEN bot.discord.token string',
      'DOCKWATCH_BOT_DISCORD_GUILDS bot.discord.guilds stringList',
      'DOCKWATCH_BOT_DISCORD_ALERT_CHANNEL bot.discord.alertChannel string',
      'DOCKWATCH_BOT_DISCORD_API_URL bot.discord.apiUrl string',
      'DOCKWATCH_BOT_SLACK_TOKEN bot.slack.token string',
      'DOCKWATCH_BOT_SLACK_SIGNING_SECRET bot.slack.signingSecret string',
      'DOCKWATCH_BOT_SLACK_APP_TOKEN bot.slack.appToken string',
      'DOCKWATCH_BOT_SLACK_SOCKET_MODE bot.slack.socketMode boolean',
      'DOCKWATCH_BOT_SLACK_LISTEN bot.slack.listen string',
      'DOCKWATCH_BOT_SLACK_COMMAND bot.slack.command string',
      'DOCKWATCH_BOT_SLACK_ALERT_CHANNEL bot.slack.alertChannel string',
      'DOCKWATCH_BOT_SLACK_API_URL bot.slack.apiUrl string',
      'DOCKWATCH_BOT_DISCOVERY_DNS bot.discovery.dns string',
      'DOCKWATCH_BOT_DISCOVERY_PORT bot.discovery.port number',
      'DOCKWATCH_BOT_DISCOVERY_SCHEME bot.discovery.scheme enum',
      'DOCKWATCH_BOT_DISCOVERY_TOKEN bot.discovery.token string',
      'DOCKWATCH_BOT_DISCOVERY_CA bot.discovery.ca string',
      'DOCKWATCH_BOT_DISCOVERY_INTERVAL bot.discovery.interval duration',
      'DOCKWATCH_BOT_CONFIRM_TIMEOUT bot.confirmTimeout duration',
      'DOCKWATCH_BOT_COMMAND_TIMEOUT bot.commandTimeout duration',
      'DOCKWATCH_BOT_EXEC_TIMEOUT bot.execTimeout duration',
      'DOCKWATCH_BOT_RATE_LIMIT_COMMANDS bot.rateLimit.commands number',
      'DOCKWATCH_BOT_RATE_LIMIT_PER bot.rateLimit.per duration',
    ]);
  });

  it('have unique names, none of them DOCKWATCH_CONFIG', () => {
    const names = ENV_OVERRIDES.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('DOCKWATCH_CONFIG');
  });

  it('write into the raw config and say where each value came from', () => {
    const raw: Record<string, unknown> = { stats: { collector: 'api' } };
    const sources = applyEnvOverrides(raw, {
      DOCKWATCH_STATS_INTERVAL: '10s',
      DOCKWATCH_METRICS_CONTAINER_LABELS: 'a,b',
      DOCKWATCH_CONFIG: '/etc/dockwatch.yaml',
      DOCKWATCH_TOKEN: 'only for ${DOCKWATCH_TOKEN} expansion',
    });
    expect(raw).toEqual({ stats: { collector: 'api', interval: '10s' }, metrics: { containerLabels: ['a', 'b'] } });
    expect(sources).toEqual([
      { path: ['stats', 'interval'], source: 'env DOCKWATCH_STATS_INTERVAL' },
      { path: ['metrics', 'containerLabels'], source: 'env DOCKWATCH_METRICS_CONTAINER_LABELS' },
    ]);
  });

  it('leave a section the file got wrong alone, so the file error shows', () => {
    const raw: Record<string, unknown> = { stats: '5s' };
    expect(applyEnvOverrides(raw, { DOCKWATCH_STATS_INTERVAL: '10s' })).toEqual([]);
    expect(raw).toEqual({ stats: '5s' });
  });
});
