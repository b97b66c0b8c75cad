/**
 * Tells, while rows are staged, whether two staged lines MAY share an identity (student, term,
 * indicator, occasion …), so the set-based duplicate check (a GROUP BY over every staged line)
 * runs only when it can find something (ADR 0410). Each identity is kept as a 53-bit hash in an
 * open-addressing table; equal identities always hash alike, so "no two hashes equal" proves
 * "no duplicates". A collision — a real duplicate, or two different identities (for a
 * 100,000-row file about once in a million files) — only means the exact check in SQL runs.
 * Memory is bounded: past `maxEntries` identities the filter gives up (answers "possible") and
 * frees its table.
 */
const INITIAL_SLOTS = 1 << 16;
/** 2^21 identities in 2^22 slots of 8 bytes: at most 32 MB. */
const MAX_ENTRIES = 1 << 21;
const TWO_POW_21 = 2 ** 21;

export class IdentityFilter {
  private slots: Float64Array | null = new Float64Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private collided = false;

  /**
   * @param columns indexes (into the staged values) of the identity columns
   * @param maxEntries how many identities to hold at most before giving up
   */
  constructor(
    private readonly columns: readonly number[],
    private readonly maxEntries: number = MAX_ENTRIES,
  ) {
    if (columns.length === 0 || columns.some((column) => column < 0)) throw new Error('identity columns must be staging columns');
  }

  /** True when two added identities may be equal (or the filter gave up). */
  get duplicatesPossible(): boolean {
    return this.collided || this.slots === null;
  }

  add(values: readonly (string | null)[]): void {
    if (this.slots === null || this.collided) return;
    // Two 32-bit multiplicative hashes (FNV-1a-like and MurmurHash-like) over the identity's
    // characters, with a separator after each value.
    let a = 0x811c9dc5;
    let b = 0x2f1a3b7d;
    for (const column of this.columns) {
      const value = values[column];
      if (value === null) {
        a = Math.imul(a ^ 0xffff, 0x01000193);
        b = Math.imul(b ^ 0xffff, 0x5bd1e995);
      } else {
        // Two UTF-16 units per step (half the multiplications); an odd last unit on its own.
        const length = value.length;
        let index = 0;
        for (; index + 1 < length; index += 2) {
          const pair = value.charCodeAt(index) | (value.charCodeAt(index + 1) << 16);
          a = Math.imul(a ^ pair, 0x01000193);
          a ^= a >>> 15; // multiplication only carries bits upwards: fold the high unit down
          b = Math.imul(b ^ pair, 0x5bd1e995);
          b ^= b >>> 13;
        }
        if (index < length) {
          const code = value.charCodeAt(index);
          a = Math.imul(a ^ code, 0x01000193);
          b = Math.imul(b ^ code, 0x5bd1e995);
        }
      }
      a = Math.imul(a ^ 0x1f, 0x01000193);
      b = Math.imul(b ^ 0x1f, 0x5bd1e995);
    }
    b ^= b >>> 15;
    // 32 bits of a and 21 of b, plus one so that 0 marks an empty slot.
    const hash = (a >>> 0) * TWO_POW_21 + (b >>> 11) + 1;
    this.insert(hash, (a ^ (a >>> 16)) >>> 0);
  }

  private insert(hash: number, spread: number): void {
    const slots = this.slots!;
    let slot = spread & this.mask;
    for (;;) {
      const held = slots[slot];
      if (held === 0) break;
      if (held === hash) {
        this.collided = true;
        this.slots = null; // the exact check will run; the table is no longer needed
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    slots[slot] = hash;
    this.count += 1;
    if (this.count > this.maxEntries) this.slots = null; // give up: the exact check will run
    else if (this.count * 2 > slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots!;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.count = 0;
    for (const hash of old) {
      if (hash !== 0) this.insert(hash, this.spreadOf(hash));
    }
  }

  /** The slot spread of a stored hash: recomputed from its high 32 bits (the FNV-1a `a`). */
  private spreadOf(hash: number): number {
    const a = Math.floor((hash - 1) / TWO_POW_21) >>> 0;
    return (a ^ (a >>> 16)) >>> 0;
  }
}
