import type { MaintenanceRouteName } from './controlApiMaintenance';
import type { RemovedRouteName } from './controlApiRemoved';

/** The control API's endpoints, by name. */
export type RouteName =
  | 'listAlerts'
  | 'listSilences'
  | 'addSilence'
  | 'removeSilence'
  | 'addMaintenance'
  | 'host'
  | 'hosts'
  | 'listContainers'
  | 'listImages'
  | 'pullImage'
  | MaintenanceRouteName
  | RemovedRouteName
  | ContainerRouteName;

/** The endpoints about one container (`/api/v1/containers/:id/...`): reads, then actions streamed as NDJSON. */
export type ContainerRouteName = ContainerReadName | ContainerStreamName | ContainerActionName;

/** The reads about one container. */
export type ContainerReadName = 'containerStats' | 'containerLogs' | 'containerInspect' | 'containerHistory';

/** A container's logs followed live, streamed as NDJSON (api/controlApiLogFollow.ts). */
export type ContainerStreamName = 'containerFollowLogs';

/** The actions on one container, named as the AgentClient names them. */
export type ContainerActionName = 'start' | 'stop' | 'restart' | 'rollback' | 'deploy';

/** Every container action, in the order the API lists them. */
export const CONTAINER_ACTIONS: readonly ContainerActionName[] = ['start', 'stop', 'restart', 'rollback', 'deploy'];

/** An HTTP method the control API answers to. */
export type ApiMethod = 'GET' | 'POST' | 'DELETE';

/** Where the control API lives on the agent's listener. */
export const API_PREFIX = '/api/v1';

const ROUTES: readonly { method: ApiMethod; path: string; name: RouteName }[] = [
  { method: 'GET', path: `${API_PREFIX}/alerts`, name: 'listAlerts' },
  { method: 'GET', path: `${API_PREFIX}/silences`, name: 'listSilences' },
  { method: 'POST', path: `${API_PREFIX}/silences`, name: 'addSilence' },
  { method: 'DELETE', path: `${API_PREFIX}/silences/:id`, name: 'removeSilence' },
  { method: 'POST', path: `${API_PREFIX}/maintenance`, name: 'addMaintenance' },
  { method: 'GET', path: `${API_PREFIX}/host`, name: 'host' },
  { method: 'GET', path: `${API_PREFIX}/hosts`, name: 'hosts' },
  { method: 'GET', path: `${API_PREFIX}/containers`, name: 'listContainers' },
  { method: 'GET', path: `${API_PREFIX}/images`, name: 'listImages' },
  { method: 'POST', path: `${API_PREFIX}/images/pull`, name: 'pullImage' },
  { method: 'POST', path: `${API_PREFIX}/images/remove`, name: 'removeImage' },
  { method: 'GET', path: `${API_PREFIX}/removed`, name: 'listRemoved' },
  { method: 'GET', path: `${API_PREFIX}/removed/:name/history`, name: 'removedHistory' },
  { method: 'POST', path: `${API_PREFIX}/removed/:name/rollback`, name: 'removedRollback' },
  { method: 'POST', path: `${API_PREFIX}/containers/:id/rm`, name: 'removeContainer' },
  { method: 'POST', path: `${API_PREFIX}/containers/:id/exec`, name: 'execContainer' },
  { method: 'GET', path: `${API_PREFIX}/containers/:id/stats`, name: 'containerStats' },
  { method: 'GET', path: `${API_PREFIX}/containers/:id/logs`, name: 'containerLogs' },
  { method: 'GET', path: `${API_PREFIX}/containers/:id/logs/follow`, name: 'containerFollowLogs' },
  { method: 'GET', path: `${API_PREFIX}/containers/:id/inspect`, name: 'containerInspect' },
  { method: 'GET', path: `${API_PREFIX}/containers/:id/history`, name: 'containerHistory' },
  ...CONTAINER_ACTIONS.map((action) => ({
    method: 'POST' as const,
    path: `${API_PREFIX}/containers/:id/${action}`,
    name: action,
  })),
];

/** What a method and path lead to: an endpoint with its path parameters, no endpoint, or the methods it allows. */
export type RouteMatch =
  | { kind: 'found'; name: RouteName; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'wrong-method'; allow: ApiMethod[] };

/** Finds the endpoint for a method and a path (without its query string). */
export function matchRoute(method: string, path: string): RouteMatch {
  const allow: ApiMethod[] = [];
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', name: route.name, params };
    allow.push(route.method);
  }
  return allow.length ? { kind: 'wrong-method', allow } : { kind: 'not-found' };
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      const value = decodeSegment(g);
      if (!value) return undefined;
      params[w.slice(1)] = value;
    } else if (w !== g) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
