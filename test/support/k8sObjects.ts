import YAML from 'yaml';

/** One rendered Kubernetes object, as much of it as the tests read by name; the rest stays unknown. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
};

/** A container's env entry (literal value, Secret key or field of the pod). */
export type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
};

/** The parts of a container the tests read. */
export type Container = {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
};

/** The parts of a pod spec the tests read. */
export type PodSpec = {
  containers: Container[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
  tolerations?: Record<string, unknown>[];
  securityContext?: Record<string, unknown>;
  hostNetwork?: boolean;
};

/** A DaemonSet or Deployment, with its pod template. */
export type Workload = K8sObject & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: K8sObject['metadata']; spec: PodSpec };
  };
};

/** Parses `helm template` output (several YAML documents); throws on a YAML error or a document without kind. */
export function parseManifests(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`document ${i + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (!isK8sObject(value)) throw new Error(`document ${i + 1} is not a Kubernetes object: ${YAML.stringify(value)}`);
    return [value];
  });
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === 'string' &&
    typeof kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>).name === 'string'
  );
}

/** Every object of a kind. */
export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind (and name, when given); throws naming what is there instead. */
export function findObject(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length} (objects: ${have})`);
  }
  return found[0] as K8sObject;
}

/** The one workload (DaemonSet or Deployment) of a kind. */
export function findWorkload(objects: K8sObject[], kind: 'DaemonSet' | 'Deployment'): Workload {
  return findObject(objects, kind) as Workload;
}

/** A Secret's or ConfigMap's entries as text (Secrets' base64 decoded). */
export function dataOf(object: K8sObject): Record<string, string> {
  const data = (object.data ?? {}) as Record<string, string>;
  if (object.kind !== 'Secret') return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/**
 * The environment a container gets, as the kubelet would build it: literal values, keys of the rendered Secrets
 * (or `externalSecrets[name][key]` for a Secret the chart does not make) and the pod fields given.
 */
export function containerEnv(
  container: Container,
  objects: K8sObject[],
  fields: Record<string, string>,
  externalSecrets: Record<string, Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    const field = entry.valueFrom?.fieldRef?.fieldPath;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (ref) {
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name);
      const value = secret ? dataOf(secret)[ref.key] : externalSecrets[ref.name]?.[ref.key];
      if (value === undefined && !ref.optional) throw new Error(`${entry.name}: Secret ${ref.name} has no ${ref.key}`);
      if (value !== undefined) env[entry.name] = value;
    } else if (field !== undefined) {
      const value = fields[field];
      if (value === undefined) throw new Error(`${entry.name}: no value given for the pod field ${field}`);
      env[entry.name] = value;
    }
  }
  return env;
}
