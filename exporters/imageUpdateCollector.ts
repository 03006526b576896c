import type { UpdateResults } from '../agent/images/updateResults';
import { CHECK_RESULTS } from '../agent/images/updateResults';
import type { MetricFamily } from './metricFamily';

/** What the update families read: the check's cached results and whether a container still runs (the inventory). */
export type ImageUpdateSource = {
  results: UpdateResults;
  isRunning: (containerId: string) => boolean;
};

/**
 * The update check's families, from the results of its last rounds (the scrape never asks the engine or a registry):
 * one 0/1 series per checked running container, checks by result, requests per registry, rounds.
 */
export function imageUpdateFamilies(source: ImageUpdateSource | undefined): MetricFamily[] {
  if (!source) return [];
  const { results } = source;
  return [
    {
      name: 'dockwatch_image_update_available',
      help: "1 when the container's image tag now points to another image in its registry (not pulled), else 0.",
      type: 'gauge',
      collect: () =>
        results
          .all()
          .filter((s) => source.isRunning(s.containerId))
          .map((s) => ({ value: s.available ? 1 : 0, labels: { name: s.name, image: s.image } })),
    },
    {
      name: 'dockwatch_image_update_checks_total',
      help: 'Image references checked for updates, by result (update, current, error, deferred by the request budget, backoff, local: no registry digest, pinned: by digest or ID).',
      type: 'counter',
      collect: () => CHECK_RESULTS.map((result) => ({ value: results.checks[result], labels: { result } })),
    },
    {
      name: 'dockwatch_image_update_registry_requests_total',
      help: 'Requests the update check sent to each registry (manifest HEAD and GET, token fetches).',
      type: 'counter',
      collect: () => [...results.requests].map(([registry, value]) => ({ value, labels: { registry } })),
    },
    {
      name: 'dockwatch_image_update_rounds_total',
      help: 'Rounds of the update check that ran (rounds while the engine was unreachable are not run).',
      type: 'counter',
      collect: () => [{ value: results.rounds }],
    },
  ];
}
