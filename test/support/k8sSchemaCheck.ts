import path from 'node:path';
import ts from 'typescript';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './k8sObjects';
import { REPO_ROOT } from './helmRender';

type Model = { validate(): void };
type ModelClass = new (data: never) => Model;

type KnownKind = { model: ModelClass; typeModule: string; typeName: string };

const KM = 'kubernetes-models';
const PO = '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

/** The kinds the chart may render: their kubernetes-models class and the TypeScript interface behind it. */
const KINDS: Record<string, KnownKind> = {
  'v1/ConfigMap': { model: ConfigMap, typeModule: `${KM}/v1/ConfigMap`, typeName: 'IConfigMap' },
  'v1/Secret': { model: Secret, typeModule: `${KM}/v1/Secret`, typeName: 'ISecret' },
  'v1/Service': { model: Service, typeModule: `${KM}/v1/Service`, typeName: 'IService' },
  'v1/ServiceAccount': { model: ServiceAccount, typeModule: `${KM}/v1/ServiceAccount`, typeName: 'IServiceAccount' },
  'v1/PersistentVolumeClaim': {
    model: PersistentVolumeClaim,
    typeModule: `${KM}/v1/PersistentVolumeClaim`,
    typeName: 'IPersistentVolumeClaim',
  },
  'apps/v1/DaemonSet': { model: DaemonSet, typeModule: `${KM}/apps/v1/DaemonSet`, typeName: 'IDaemonSet' },
  'apps/v1/Deployment': { model: Deployment, typeModule: `${KM}/apps/v1/Deployment`, typeName: 'IDeployment' },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    model: ServiceMonitor,
    typeModule: `${PO}/ServiceMonitor`,
    typeName: 'IServiceMonitor',
  },
  'monitoring.coreos.com/v1/PrometheusRule': {
    model: PrometheusRule,
    typeModule: `${PO}/PrometheusRule`,
    typeName: 'IPrometheusRule',
  },
};

function known(object: K8sObject): KnownKind {
  const kind = KINDS[`${object.apiVersion}/${object.kind}`];
  if (!kind) throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema known for it`);
  return kind;
}

/**
 * Validates an object with its kubernetes-models class (the Kubernetes OpenAPI schema, or prometheus-operator's
 * CRD schema); throws naming the object and every problem.
 */
export function validateWithModel(object: K8sObject): void {
  const { model: ModelOf } = known(object);
  try {
    new ModelOf(object as never).validate();
  } catch (err) {
    throw new Error(`${object.kind}/${object.metadata.name}: ${(err as Error).message}`);
  }
}

/**
 * Unknown or mistyped fields, which the models' schemas let through (they allow additional properties) but the API
 * server's strict field validation refuses: each object is type-checked by the TypeScript compiler as an object
 * literal of its kubernetes-models interface, where an unknown property is an error. One message per problem.
 */
export function strictFieldProblems(objects: K8sObject[]): string[] {
  const fileName = path.join(REPO_ROOT, '__rendered_chart_objects__.ts');
  const imports = new Set<string>();
  const spans: { from: number; label: string }[] = [];
  const lines: string[] = [];
  objects.forEach((object, i) => {
    const { typeModule, typeName } = known(object);
    imports.add(`import type { ${typeName} } from '${typeModule}';`);
    spans.push({ from: lines.length, label: `${object.kind}/${object.metadata.name}` });
    lines.push(...`export const object${i}: ${typeName} = ${JSON.stringify(object, null, 2)};`.split('\n'));
  });
  const header = [...imports];
  const source = [...header, ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === fileName ? source : readFile(f));
  host.fileExists = (f) => f === fileName || fileExists(f);
  host.getSourceFile = (f, version, onError) =>
    f === fileName ? ts.createSourceFile(f, source, version) : getSourceFile(f, version, onError);
  const program = ts.createProgram([fileName], options, host);
  const sourceFile = program.getSourceFile(fileName);
  return ts.getPreEmitDiagnostics(program, sourceFile).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file === undefined || d.start === undefined) return message;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line - header.length;
    const span = [...spans].reverse().find((s) => s.from <= line);
    return `${span?.label ?? 'imports'}: ${message} (at: ${lines[line]?.trim() ?? ''})`;
  });
}
