import { foldCode, unfolded } from './logPrefilterFold';

/** A literal the automaton looks for, and the id (a rule index) it stands for. */
export type TaggedLiteral = { text: string; id: number };

/**
 * An Aho-Corasick automaton over folded UTF-16 code units (see foldCode), compiled to a dense transition table: one
 * pass over a line finds every id whose literal occurs in it.
 */
export class LiteralAutomaton {
  /** Code unit → alphabet index (0: in no literal), folding included. */
  private readonly alphabet = new Uint16Array(0x10000);
  private readonly width: number;
  /** (state offset + alphabet index) → next state offset, bitwise-negated when the next state has outputs. */
  private readonly delta: Int32Array;
  /** State number → ids whose literals end there (through suffix links too). */
  private readonly outputs: (number[] | undefined)[];
  private readonly idCount: number;

  constructor(literals: TaggedLiteral[]) {
    const folded = literals.map((l) => ({ units: [...l.text].flatMap(codeUnits).map(foldCode), id: l.id }));
    const letters = [...new Set(folded.flatMap((l) => l.units))];
    const index = new Map(letters.map((unit, i) => [unit, i + 1]));
    this.width = letters.length + 1;
    for (const [unit, a] of index) for (const variant of unfolded(unit)) this.alphabet[variant] = a;

    const trie: number[][] = [new Array<number>(this.width).fill(-1)];
    const ids: Set<number>[] = [new Set()];
    for (const literal of folded) {
      let state = 0;
      for (const unit of literal.units) {
        const a = index.get(unit)!;
        if (trie[state]![a] === -1) {
          trie[state]![a] = trie.length;
          trie.push(new Array<number>(this.width).fill(-1));
          ids.push(new Set());
        }
        state = trie[state]![a]!;
      }
      ids[state]!.add(literal.id);
    }
    this.outputs = linkFailures(trie, ids);
    this.idCount = new Set(literals.map((l) => l.id)).size;
    this.delta = new Int32Array(trie.length * this.width);
    trie.forEach((row, state) =>
      row.forEach((next, a) => {
        const offset = next * this.width;
        this.delta[state * this.width + a] = this.outputs[next] ? ~offset : offset;
      }),
    );
  }

  /** Sets `seen[id] = stamp` for every id with a literal in `text`; returns how many ids it marked. */
  scan(text: string, seen: Uint32Array, stamp: number): number {
    const { alphabet, delta, outputs, width, idCount } = this;
    let marked = 0;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const next = delta[state + alphabet[text.charCodeAt(i)]!]!;
      if (next >= 0) {
        state = next;
        continue;
      }
      state = ~next;
      for (const id of outputs[state / width]!) {
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        if (++marked === idCount) return marked;
      }
    }
    return marked;
  }
}

function codeUnits(char: string): number[] {
  return char.length === 1 ? [char.charCodeAt(0)] : [char.charCodeAt(0), char.charCodeAt(1)];
}

/** Turns the trie into a complete DFA in place (missing edges follow failure links); returns outputs per state. */
function linkFailures(trie: number[][], ids: Set<number>[]): (number[] | undefined)[] {
  const fail = new Array<number>(trie.length).fill(0);
  const root = trie[0]!;
  const queue: number[] = [];
  root.forEach((next, a) => {
    if (next === -1) root[a] = 0;
    else queue.push(next);
  });
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const id of ids[fail[state]!]!) ids[state]!.add(id);
    trie[state]!.forEach((next, a) => {
      const viaFailure = trie[fail[state]!]![a]!;
      if (next === -1) {
        trie[state]![a] = viaFailure;
      } else {
        fail[next] = viaFailure;
        queue.push(next);
      }
    });
  }
  return ids.map((set) => (set.size > 0 ? [...set].sort((a, b) => a - b) : undefined));
}
