import { LABELS_PREFIX, PLACEHOLDER } from '../config/templateSyntax';

export { PLACEHOLDERS, templateProblems } from '../config/templateSyntax';

/** What a template is rendered from; absent values render as empty text. */
export type TemplateContext = {
  container?: string;
  host: string;
  line?: string;
  value?: number;
  count?: number;
  rule: string;
  severity: string;
  /** The alert's labels; `{{labels.KEY}}` falls back to the container's Docker labels. */
  labels: Readonly<Record<string, string>>;
  containerLabels?: Readonly<Record<string, string>>;
};

type Part = string | { name: string };

const compiled = new Map<string, Part[]>();

/** Renders a template whose placeholders were checked by {@link templateProblems}; unknown ones render empty. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  let parts = compiled.get(template);
  if (!parts) {
    parts = compile(template);
    compiled.set(template, parts);
  }
  return parts.map((part) => (typeof part === 'string' ? part : resolve(part.name, ctx))).join('');
}

/** How a number reads in a message: integers as they are, others with at most two decimals. */
export function formatValue(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

function compile(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index), { name: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return parts.filter((part) => part !== '');
}

function resolve(name: string, ctx: TemplateContext): string {
  if (name.startsWith(LABELS_PREFIX)) {
    const key = name.slice(LABELS_PREFIX.length);
    return ctx.labels[key] ?? ctx.containerLabels?.[key] ?? '';
  }
  switch (name) {
    case 'container':
    case 'host':
    case 'line':
    case 'rule':
    case 'severity':
      return ctx[name] ?? '';
    case 'value':
      return formatValue(ctx.value);
    case 'count':
      return ctx.count === undefined ? '' : String(ctx.count);
    default:
      return '';
  }
}
