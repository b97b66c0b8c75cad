/**
 * Seeded pseudo-random numbers for simulations and tests. The scoring core never calls
 * Math.random(): every random stream is reproducible from its seed.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021; reference C at https://prng.di.unimi.it/xoshiro128starstar.c),
 * a 128-bit state, period 2^128 − 1, 32-bit outputs. The state is filled from a 32-bit seed by
 * SplitMix32 so that nearby seeds give unrelated streams. Normals come from the Box–Muller
 * transform (Box & Muller 1958), using both values of each pair.
 *
 * Cost: O(1) per draw. Not cryptographic.
 *
 * Example:
 *   const random = new SeededRandom(20240601);
 *   random.nextUniform();   // in [0, 1), 53 random bits
 *   random.nextNormal();    // standard normal
 *   random.nextInt(10);     // integer in 0..9
 */
export class SeededRandom {
  private state0: number;
  private state1: number;
  private state2: number;
  private state3: number;
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`SeededRandom needs an integer seed, got ${seed}`);
    }
    // SplitMix32 (a 32-bit variant of Steele, Lea & Flood's SplitMix64) expands the seed.
    let splitState = seed >>> 0;
    const splitMix = (): number => {
      splitState = (splitState + 0x9e3779b9) >>> 0;
      let z = splitState;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.state0 = splitMix();
    this.state1 = splitMix();
    this.state2 = splitMix();
    this.state3 = splitMix();
    if ((this.state0 | this.state1 | this.state2 | this.state3) === 0) {
      this.state0 = 1; // the all-zero state is the generator's one fixed point
    }
  }

  /** The next 32-bit unsigned integer of the xoshiro128** stream. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.state1, 5), 7), 9) >>> 0;
    const shifted = this.state1 << 9;
    this.state2 ^= this.state0;
    this.state3 ^= this.state1;
    this.state1 ^= this.state2;
    this.state0 ^= this.state3;
    this.state2 ^= shifted;
    this.state3 = rotateLeft(this.state3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits (two 32-bit draws: 26 + 27 bits, as in Java's nextDouble). */
  nextUniform(): number {
    const high = this.nextUint32() >>> 6;
    const low = this.nextUint32() >>> 5;
    return (high * 134217728 + low) / 9007199254740992;
  }

  /** Uniform integer in 0..bound−1 (bound ≤ 2^32), by rejection so every value is equally likely. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 4294967296) {
      throw new RangeError(`nextInt needs an integer bound in 1..2^32, got ${bound}`);
    }
    const limit = 4294967296 - (4294967296 % bound);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return draw % bound;
  }

  /** Standard normal by Box–Muller: √(−2 ln u₁)·cos(2πu₂) and ·sin(2πu₂), u₁ in (0, 1]. */
  nextNormal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    const u1 = 1 - this.nextUniform();
    const u2 = this.nextUniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpareNormal = true;
    return radius * Math.cos(angle);
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
