import { formatHex32, type TRandom } from "@/lib/simulator/random";

/**
 * Ids that look random but are unique within a simulator's life without remembering the ones issued
 * (a Set would grow for as long as the worker runs). The first 16 hex characters are a bijection of a
 * counter, the rest comes from the PRNG.
 */
export type TIdSource = {
  /** `length` (at least 16) lowercase hex characters, never issued before by this source. */
  createId(length: number): string;
};

// murmur3's finaliser: xor-shifts and odd multipliers are each invertible, so this is a bijection on 32 bits.
function mixUint32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Cato's flow_id: a decimal string of about 18 digits (such as 657139225934734848). Eight
 * random digits, then the 32-bit head of a fresh id as ten digits: the head is unique for
 * the first 2^32 ids of a source, so the flow_id is too.
 */
export function toDecimalFlowId(hexId: string, random: TRandom): string {
  const head = Number.parseInt(hexId.slice(0, 8), 16);
  return `${random.pickInt(10_000_000, 99_999_999)}${String(head).padStart(10, "0")}`;
}

export function createIdSource(random: TRandom): TIdSource {
  const key = random.pickUint32();
  let counter = 0;
  return {
    createId(length) {
      if (length < 16) throw new RangeError("ids need at least 16 hex characters to stay unique");
      const low = counter >>> 0;
      const high = Math.floor(counter / 4294967296) >>> 0;
      counter++;
      // Given the first block, low is known; given low and the second block, high is known: injective.
      const head = mixUint32(low ^ key);
      const second = mixUint32(high ^ mixUint32(head));
      return formatHex32(head) + formatHex32(second) + random.pickHex(length - 16);
    },
  };
}
