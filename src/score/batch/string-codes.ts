/**
 * Strings as dense integer codes: the batch job moves sentences and signals between threads and
 * into DuckDB as numbers, and turns the codes back into words once, after ranking.
 */
export class StringCodes {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  private taken = 0;

  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(s);
      this.index.set(s, c);
    }
    return c;
  }

  /** The strings coded since the last call, in code order. */
  takeNew(): string[] {
    const fresh = this.values.slice(this.taken);
    this.taken = this.values.length;
    return fresh;
  }
}

/** Maps one producer's codes onto a shared dictionary, as the producer reports its new strings. */
export class CodeRemap {
  private map = new Int32Array(1024);
  private size = 0;

  constructor(private readonly target: StringCodes) {}

  learn(fresh: readonly string[]): void {
    if (this.size + fresh.length > this.map.length) {
      const grown = new Int32Array(Math.max(this.map.length * 2, this.size + fresh.length));
      grown.set(this.map);
      this.map = grown;
    }
    for (const s of fresh) this.map[this.size++] = this.target.code(s);
  }

  /** Rewrites codes in place; negative codes (none) stay. */
  apply(codes: Int32Array): void {
    const map = this.map;
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) codes[i] = map[codes[i]];
  }
}
