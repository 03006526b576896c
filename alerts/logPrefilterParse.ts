/**
 * A regex syntax tree just detailed enough for literal extraction: anything it cannot describe precisely becomes
 * `any` (an unknown string, possibly empty), so the prefilter built on it stays conservative.
 */
export type RegexNode =
  | { type: 'chars'; chars: string[] }
  | { type: 'any' }
  | { type: 'empty' }
  | { type: 'concat'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number };

const ANY: RegexNode = { type: 'any' };
const EMPTY: RegexNode = { type: 'empty' };
const MAX_CLASS_CHARS = 8;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

/** Parses a JavaScript regex source already accepted by `new RegExp(source, 'u')`; throws on anything unexpected. */
export function parseRegexSource(source: string): RegexNode {
  const parser = new RegexParser(source);
  const node = parser.alternation();
  if (!parser.done()) throw new Error(`unexpected ${JSON.stringify(parser.peek())} in regex`);
  return node;
}

class RegexParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  peek(): string {
    return this.src[this.pos] ?? '';
  }

  alternation(): RegexNode {
    const options = [this.concatenation()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.concatenation());
    }
    return options.length === 1 ? options[0]! : { type: 'alt', options };
  }

  private concatenation(): RegexNode {
    const items: RegexNode[] = [];
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified(this.atom()));
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  private quantified(node: RegexNode): RegexNode {
    const bounds = this.quantifier();
    if (!bounds) return node;
    if (this.peek() === '?') this.pos++;
    return { type: 'repeat', node, min: bounds[0], max: bounds[1] };
  }

  private quantifier(): [number, number] | undefined {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    }
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
    if (c !== '{' || !braces) return undefined;
    this.pos += braces[0].length;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    return [min, max];
  }

  private atom(): RegexNode {
    const c = this.peek();
    if (c === '^' || c === '$') return this.skip(1, EMPTY);
    if (c === '.') return this.skip(1, ANY);
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    if ('*+?{}])'.includes(c)) throw new Error(`unexpected ${JSON.stringify(c)} in regex`);
    return { type: 'chars', chars: [this.codePoint()] };
  }

  private skip(length: number, node: RegexNode): RegexNode {
    this.pos += length;
    return node;
  }

  private group(): RegexNode {
    const head = /^\((\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(this.src.slice(this.pos))!;
    if (this.src[this.pos + 1] === '?' && head[1] === undefined) throw new Error('unsupported group syntax in regex');
    this.pos += head[0].length;
    const inner = this.alternation();
    if (this.peek() !== ')') throw new Error('unterminated group in regex');
    this.pos++;
    const lookaround = head[2] === '=' || head[2] === '!' || head[2] === '<=' || head[2] === '<!';
    return lookaround ? EMPTY : inner;
  }

  private codePoint(): string {
    const cp = this.src.codePointAt(this.pos)!;
    const char = String.fromCodePoint(cp);
    this.pos += char.length;
    return char;
  }

  private escape(): RegexNode {
    const c = this.src[this.pos + 1] ?? '';
    if ('dDwWsS'.includes(c)) return this.skip(2, ANY);
    if (c === 'b' || c === 'B') return this.skip(2, EMPTY);
    if (c === 'p' || c === 'P') return this.skip(this.src.indexOf('}', this.pos) + 1 - this.pos, ANY);
    if (c === 'k') return this.skip(this.src.indexOf('>', this.pos) + 1 - this.pos, ANY);
    if (/[1-9]/.test(c)) return this.skip(/^\\\d+/.exec(this.src.slice(this.pos))![0].length, ANY);
    return { type: 'chars', chars: [this.escapedChar()] };
  }

  /** One escaped character (`\n`, `\x41`, `\u{1F600}`, `\cJ`, `\.`), the position on the backslash. */
  private escapedChar(): string {
    const rest = this.src.slice(this.pos);
    const c = rest[1] ?? '';
    if (c in SIMPLE_ESCAPES) return this.take(2, SIMPLE_ESCAPES[c]!);
    if (c === 'c') return this.take(3, String.fromCharCode(rest.charCodeAt(2) % 32));
    const hex =
      /^\\x([0-9a-fA-F]{2})|^\\u\{([0-9a-fA-F]+)\}|^\\u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?/.exec(rest);
    if (hex) {
      const units = [hex[1] ?? hex[3], hex[4]].filter((h) => h !== undefined).map((h) => parseInt(h, 16));
      const char = hex[2] !== undefined ? String.fromCodePoint(parseInt(hex[2], 16)) : String.fromCharCode(...units);
      return this.take(hex[0].length, char);
    }
    if (c === '') throw new Error('trailing backslash in regex');
    this.pos++;
    return this.codePoint();
  }

  private take(length: number, char: string): string {
    this.pos += length;
    return char;
  }

  private charClass(): RegexNode {
    this.pos++;
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    const chars: string[] = [];
    let exact = !negated;
    while (this.peek() !== ']') {
      if (this.done()) throw new Error('unterminated character class in regex');
      const low = this.classAtom();
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && low !== undefined) {
        this.pos++;
        const high = this.classAtom();
        exact = exact && high !== undefined && this.addRange(chars, low, high);
      } else if (low === undefined) {
        exact = false;
      } else {
        chars.push(low);
      }
    }
    this.pos++;
    return exact && chars.length > 0 && chars.length <= MAX_CLASS_CHARS ? { type: 'chars', chars } : ANY;
  }

  /** One character of a class, or undefined for a class escape (`\d`, `\p{…}`). */
  private classAtom(): string | undefined {
    if (this.peek() !== '\\') return this.codePoint();
    const c = this.src[this.pos + 1] ?? '';
    if ('dDwWsSpP'.includes(c)) {
      this.pos = c === 'p' || c === 'P' ? this.src.indexOf('}', this.pos) + 1 : this.pos + 2;
      return undefined;
    }
    if (c === 'b') return this.take(2, '\b');
    if (c === '-') return this.take(2, '-');
    return this.escapedChar();
  }

  private addRange(chars: string[], low: string, high: string): boolean {
    const from = low.codePointAt(0)!;
    const to = high.codePointAt(0)!;
    if (to - from >= MAX_CLASS_CHARS || to > 0xffff) return false;
    for (let cp = from; cp <= to; cp++) chars.push(String.fromCharCode(cp));
    return true;
  }
}
