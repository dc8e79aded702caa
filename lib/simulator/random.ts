/**
 * A seeded pseudo-random source. The simulator must be a pure function of its seed and the calls
 * made to it, and Math.random cannot be seeded, so this is sfc32 (fast, passes PractRand, 128-bit
 * state) seeded through splitmix32 so that nearby seeds give unrelated streams.
 */
export type TRandom = {
  /** A uniform integer in [0, 2^32). */
  pickUint32(): number;
  /** A uniform float in [0, 1). */
  pickFloat(): number;
  /** A uniform integer in [min, max], both included. */
  pickInt(min: number, max: number): number;
  /** A float in [min, max) spread evenly across orders of magnitude: byte counts and durations look like this. */
  pickLogUniform(min: number, max: number): number;
  /** True with the given probability. */
  rollChance(probability: number): boolean;
  pickItem<T>(items: readonly T[]): T;
  /** `length` lowercase hex characters. */
  pickHex(length: number): string;
};

const TWO_POW_32 = 4294967296;

// Byte-to-hex table: ids and hashes are the simulator's hottest path, and toString(16) per word is slow.
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function formatHex32(value: number): string {
  return (
    (HEX_BYTES[value >>> 24] as string) +
    (HEX_BYTES[(value >>> 16) & 0xff] as string) +
    (HEX_BYTES[(value >>> 8) & 0xff] as string) +
    (HEX_BYTES[value & 0xff] as string)
  );
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): TRandom {
  if (!Number.isFinite(seed)) throw new RangeError("seed must be a finite number");
  const whole = Math.floor(seed);
  // Both halves of the seed count, so seeds that differ only above 2^32 still differ.
  const seeder = splitmix32((whole >>> 0) ^ Math.imul(Math.floor(whole / TWO_POW_32) >>> 0, 0x9e3779b1));
  let a = seeder();
  let b = seeder();
  let c = seeder();
  let d = seeder();

  const pickUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs still carry the seed's structure; PractRand's own sfc32 seeding discards them too.
  for (let i = 0; i < 12; i++) pickUint32();

  const pickFloat = (): number => pickUint32() / TWO_POW_32;

  return {
    pickUint32,
    pickFloat,
    pickInt: (min, max) => min + Math.floor(pickFloat() * (max - min + 1)),
    pickLogUniform: (min, max) => Math.exp(Math.log(min) + pickFloat() * (Math.log(max) - Math.log(min))),
    rollChance: (probability) => pickFloat() < probability,
    pickItem: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError("cannot pick from an empty list");
      return items[Math.floor(pickFloat() * items.length)] as T;
    },
    pickHex: (length) => {
      let text = "";
      while (text.length < length) text += formatHex32(pickUint32());
      return text.length === length ? text : text.slice(0, length);
    },
  };
}

/**
 * Builds a picker that returns each item with a probability proportional to its weight. The cumulative
 * weights are computed once, since the simulator picks from the same tables thousands of times a batch.
 */
export function createWeightedPicker<T>(entries: readonly (readonly [T, number])[]): (random: TRandom) => T {
  const items: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [item, weight] of entries) {
    if (!(weight > 0)) continue;
    total += weight;
    items.push(item);
    cumulative.push(total);
  }
  if (items.length === 0) throw new RangeError("a weighted picker needs at least one positive weight");
  return (random) => {
    const target = random.pickFloat() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return items[low] as T;
  };
}
