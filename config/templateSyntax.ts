import { closestMatch } from './suggest';

/** The placeholders a template may use besides `{{labels.KEY}}`. */
export const PLACEHOLDERS = ['container', 'host', 'line', 'value', 'count', 'rule', 'severity'] as const;

/** `{{labels.KEY}}` names a label. */
export const LABELS_PREFIX = 'labels.';
/** One `{{ name }}` (global: use with matchAll or replace). */
export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Why a template cannot be rendered (unknown placeholder, unclosed `{{`); empty when it is fine. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (isKnown(name)) continue;
    const guess = closestMatch(name, PLACEHOLDERS);
    const hint = guess ? `did you mean {{${guess}}}?` : `known: ${PLACEHOLDERS.join(', ')}, labels.KEY`;
    problems.push(`unknown placeholder {{${name}}} (${hint})`);
  }
  if (template.replace(PLACEHOLDER, '').includes('{{')) problems.push('has a {{ without its closing }}');
  return problems;
}

function isKnown(name: string): boolean {
  return (PLACEHOLDERS as readonly string[]).includes(name) || (name.startsWith(LABELS_PREFIX) && name.length > 7);
}
