import type { LogRule, LogStream } from '../config/alertRule';
import type { ContainerRef, LogLine } from './inputs';
import type { LogMatcher, LogPattern } from './logMatcher';
import { compileLogMatcher } from './logMatcher';
import { RuleSelection } from './rules/ruleSelection';

const MAX_CACHED = 10_000;

/**
 * A test of a line's text; with `literals`, a line that contains none of them (exactly as written) fails it, so a
 * reader may skip making its text.
 */
export type LineTest = ((text: string) => boolean) & { literals?: readonly string[] };

type Candidates = { rules: number[]; matcher?: LogMatcher };

/**
 * Finds the log rules a line matches: per container and stream, the rules that select it, tested with one matcher
 * compiled once per distinct set of rules (so a line costs one matcher call, whatever the number of rules).
 */
export class LogRuleIndex {
  private readonly selections: RuleSelection[];
  private readonly byContainer = new Map<string, Candidates>();
  private readonly matchers = new Map<string, LogMatcher>();

  /** `rules[i]` undefined: not a log rule; returned indexes are positions in `rules`. */
  constructor(private readonly rules: readonly (LogRule | undefined)[]) {
    this.selections = rules.map((r) => new RuleSelection(r?.containers));
  }

  /** Positions of the rules whose pattern this line matches, ascending. */
  matches(line: LogLine): number[] {
    const { rules, matcher } = this.candidates(line.container, line.stream);
    if (!matcher) return [];
    return matcher.match(line.text).map((i) => rules[i] as number);
  }

  /**
   * Whether any rule can match a line of this container's stream: `false` when no rule selects it, else a test of the
   * text that is true exactly when {@link matches} of such a line is not empty.
   */
  filter(container: ContainerRef, stream: LogStream): LineTest | false {
    const { matcher } = this.candidates(container, stream);
    if (!matcher) return false;
    const test: LineTest = (text) => matcher.match(text).length > 0;
    if (matcher.literals) test.literals = matcher.literals;
    return test;
  }

  private candidates(container: ContainerRef, stream: LogStream): Candidates {
    const key = `${container.id}\u0000${container.name}\u0000${stream}`;
    let found = this.byContainer.get(key);
    if (found) return found;
    const rules: number[] = [];
    this.rules.forEach((rule, i) => {
      if (!rule || (rule.stream !== undefined && rule.stream !== stream)) return;
      if ((this.selections[i] as RuleSelection).has(container)) rules.push(i);
    });
    found = { rules, matcher: rules.length ? this.matcherFor(rules) : undefined };
    if (this.byContainer.size >= MAX_CACHED) this.byContainer.clear();
    this.byContainer.set(key, found);
    return found;
  }

  private matcherFor(rules: number[]): LogMatcher {
    const key = rules.join(',');
    let matcher = this.matchers.get(key);
    if (!matcher) {
      matcher = compileLogMatcher(rules.map((i) => logPattern(this.rules[i] as LogRule)));
      this.matchers.set(key, matcher);
    }
    return matcher;
  }
}

/** The matcher pattern of a log rule. */
export function logPattern(rule: LogRule): LogPattern {
  const pattern: LogPattern = rule.match !== undefined ? { regex: rule.match } : { contains: rule.contains ?? '' };
  if (rule.ignoreCase) pattern.ignoreCase = true;
  return pattern;
}
