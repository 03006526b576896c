{{/* Names, labels and the two dockwatch config files, shared by the templates. */}}

{{- define "dockwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dockwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The agents' headless Service: its DNS name resolves to every ready agent pod. */}}
{{- define "dockwatch.agentHeadlessName" -}}
{{- printf "%s-agent" (include "dockwatch.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dockwatch.discoveryDns" -}}
{{- printf "%s.%s.svc.%s" (include "dockwatch.agentHeadlessName" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{- define "dockwatch.botName" -}}
{{- printf "%s-bot" (include "dockwatch.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dockwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "dockwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "agent"). */}}
{{- define "dockwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dockwatch.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "dockwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dockwatch.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "dockwatch.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "dockwatch.secretName" -}}
{{- default (include "dockwatch.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "dockwatch.botEnabled" -}}
{{- if .Values.bot.enabled -}}
{{- $bot := default (dict) .Values.config.bot -}}
{{- if not (or (hasKey $bot "discord") (hasKey $bot "slack")) -}}
{{- fail "bot.enabled needs config.bot.discord or config.bot.slack (the chat platform the bot answers on)" -}}
{{- end -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when the bot serves Slack over HTTP (and needs a port and a Service). */}}
{{- define "dockwatch.botSlackHttp" -}}
{{- $slack := dig "bot" "slack" nil .Values.config -}}
{{- if and $slack (not (dig "socketMode" false $slack)) -}}
true
{{- end -}}
{{- end -}}

{{/*
Refuses secrets written into `config` (it becomes a ConfigMap). A '${VAR}' reference is fine: that is no secret.
*/}}
{{- define "dockwatch.refuseInlineSecrets" -}}
{{- $keys := dict "agent.token" "secrets.agentToken" "bot.discord.token" "secrets.discordToken" "bot.slack.token" "secrets.slackToken" "bot.slack.signingSecret" "secrets.slackSigningSecret" "bot.slack.appToken" "secrets.slackAppToken" "bot.discovery.token" "secrets.agentToken" -}}
{{- range $path := keys $keys | sortAlpha -}}
{{- $value := $.Values.config -}}
{{- range $key := splitList "." $path -}}
{{- if kindIs "map" $value }}{{ $value = get $value $key }}{{ else }}{{ $value = "" }}{{ end -}}
{{- end -}}
{{- if and $value (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" (toString $value))) -}}
{{- fail (printf "config.%s would be stored in a ConfigMap: give it as %s (or in secrets.existingSecret), not in config" $path (get $keys $path)) -}}
{{- end -}}
{{- end -}}
{{- range $i, $agent := dig "bot" "agents" (list) $.Values.config -}}
{{- if and (kindIs "map" $agent) (hasKey $agent "token") (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" (toString $agent.token))) -}}
{{- fail (printf "config.bot.agents[%d].token would be stored in a ConfigMap: write '${VAR}' and give VAR in secrets.env" $i) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The agents' config file: `config` without `bot:`, with the keys tied to the pod's mounts and ports set. */}}
{{- define "dockwatch.agentConfig" -}}
{{- include "dockwatch.refuseInlineSecrets" . -}}
{{- $config := omit (deepCopy .Values.config) "bot" -}}
{{- $docker := dict "host" "unix:///var/run/docker.sock" "cgroupRoot" "/host/sys/fs/cgroup" "procRoot" "/host/proc" -}}
{{- $agent := dict "listen" (printf "0.0.0.0:%d" (int .Values.agent.port)) "dataDir" "/data" -}}
{{- toYaml (mergeOverwrite $config (dict "docker" $docker "agent" $agent)) -}}
{{- end -}}

{{/* The bot's config file: `config.bot` with discovery set to the agents' headless Service, and its own data dir. */}}
{{- define "dockwatch.botConfig" -}}
{{- include "dockwatch.refuseInlineSecrets" . -}}
{{- $bot := deepCopy (default (dict) .Values.config.bot) -}}
{{- $agentConfig := default (dict) .Values.config.agent -}}
{{- $scheme := ternary "https" "http" (hasKey $agentConfig "tls") -}}
{{- $discovery := dict "dns" (include "dockwatch.discoveryDns" .) "port" (int .Values.agent.port) "scheme" $scheme -}}
{{- $_ := set $bot "discovery" (mergeOverwrite (default (dict) (get $bot "discovery")) $discovery) -}}
{{- if include "dockwatch.botSlackHttp" . -}}
{{- $_ := set $bot.slack "listen" (printf "0.0.0.0:%d" (int .Values.bot.slackPort)) -}}
{{- end -}}
{{- $agent := pick $agentConfig "logLevel" "logFormat" -}}
{{- $_ := set $agent "dataDir" "/data" -}}
{{- toYaml (dict "agent" $agent "bot" $bot) -}}
{{- end -}}

{{/* One env var read from the Secret in use: (dict "root" $ "name" "DOCKWATCH_AGENT_TOKEN" "key" "agent-token"). */}}
{{- define "dockwatch.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "dockwatch.secretName" .root }}
      key: {{ .key }}
{{- end -}}
