import { CONTAINER_STATES, type ContainerRecord } from '../agent/inventory/containerRecord';
import type { ContainerView } from './containerView';
import type { MetricFamily, SeriesValue } from './metricFamily';

/** Labels naming a container in `dockwatch_container_*` series (running or not). */
function nameLabels(r: ContainerRecord): Record<string, string> {
  return { name: r.name, container_id: r.id.slice(0, 12) };
}

/** A family with one series per watched container. */
function perWatched(
  view: ContainerView,
  name: string,
  help: string,
  pick: (r: ContainerRecord) => { value: number; labels?: Record<string, string> } | undefined,
): MetricFamily {
  return {
    name,
    help,
    type: 'gauge',
    collect() {
      const out: SeriesValue[] = [];
      for (const r of view.watched()) {
        const v = pick(r);
        if (v) out.push({ value: v.value, labels: { ...nameLabels(r), ...v.labels } });
      }
      return out;
    },
  };
}

/** dockwatch's container families that cAdvisor lacks: state, health, restarts, exit code, info, counts by state. */
export function stateFamilies(view: ContainerView): MetricFamily[] {
  return [
    perWatched(
      view,
      'dockwatch_container_state',
      'Current state of the container (1 for the state it is in).',
      (r) => ({
        value: 1,
        labels: { state: r.state },
      }),
    ),
    perWatched(
      view,
      'dockwatch_container_health',
      'Current health check status of the container (1 for the status it has; none without a check).',
      (r) => ({ value: 1, labels: { health: r.health } }),
    ),
    perWatched(view, 'dockwatch_container_running', '1 when the container is running, else 0.', (r) => ({
      value: r.state === 'running' ? 1 : 0,
    })),
    perWatched(
      view,
      'dockwatch_container_restarts',
      'Restarts the engine counted for the container (RestartCount).',
      (r) => ({
        value: r.restartCount,
      }),
    ),
    perWatched(view, 'dockwatch_container_last_exit_code', 'Exit code of the last run of the container.', (r) =>
      r.exitCode === undefined ? undefined : { value: r.exitCode },
    ),
    perWatched(view, 'dockwatch_container_created_time_seconds', 'Creation time of the container.', (r) => ({
      value: r.createdAt,
    })),
    perWatched(view, 'dockwatch_container_info', 'Container metadata; always 1.', (r) => ({
      value: 1,
      labels: {
        image: r.image,
        image_id: r.imageId,
        compose_project: r.composeProject ?? '',
        compose_service: r.composeService ?? '',
      },
    })),
    {
      name: 'dockwatch_containers',
      help: 'Watched containers by state.',
      type: 'gauge',
      collect() {
        const counts = new Map<string, number>(CONTAINER_STATES.map((s) => [s, 0]));
        for (const r of view.watched()) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
        return [...counts].map(([state, value]) => ({ value, labels: { state } }));
      },
    },
  ];
}
