import { isUtf8 } from "node:buffer";

/**
 * Reading an eventsFeed reply without building every record: a page is 3,000 records and
 * about 4.7 MB, and parsing each record's fieldsMap into an object only to stringify it
 * again for the feed cost more than the rest of the poller together (and most of its
 * garbage collection). So the reply is read like JSON.parse reads it, except that the value
 * of every `fieldsMap` key that is an object stays the bytes Cato sent (checked to be valid
 * JSON on the way), with the three fields the feed needs decoded beside them.
 *
 * Anything this reader does not take (bytes that are not UTF-8, nesting too deep for its
 * recursion) throws, and the caller reads the reply with JSON.parse instead.
 */
export class RawFieldsMap {
  constructor(
    /** The fieldsMap object's JSON text exactly as Cato sent it. */
    readonly json: Buffer,
    /** Top-level string values, decoded; undefined when absent or not a string. */
    readonly eventType: string | undefined,
    readonly eventSubType: string | undefined,
    readonly time: string | undefined,
    /** The map has a top-level `time` key, whatever its value. */
    readonly hasTime: boolean,
    /** No whitespace outside strings: the text is what JSON.stringify would make of it. */
    readonly isCompact: boolean,
  ) {}
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const KEY_EVENT_TYPE = Buffer.from("event_type");
const KEY_EVENT_SUB_TYPE = Buffer.from("event_sub_type");
const KEY_TIME = Buffer.from("time");
const KEY_FIELDS_MAP = Buffer.from("fieldsMap");
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Bytes that end a run of plain string text: the closing quote, an escape, a control character. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;
/** What may follow a backslash, \u aside. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
const SPACE = new Uint8Array(256);
for (const c of " \n\r\t") SPACE[c.charCodeAt(0)] = 1;

/**
 * Steps over the text of a string that starts at `j` (just after its opening quote), in a
 * loop of its own over plain bytes, the hot path of the whole reader. Returns the closing
 * quote's index times 2, plus 1 when the string has escapes; a fault is -1 - its index.
 * (One number, so that the hundreds of thousands of strings of a page allocate nothing.)
 */
function scanString(b: Buffer, j: number, n: number): number {
  let escaped = 0;
  for (;;) {
    while (j < n && STRING_STOP[b[j]!] === 0) j++;
    if (j >= n) return -1 - j;
    const c = b[j]!;
    if (c === QUOTE) return j * 2 + escaped;
    if (c !== BACKSLASH) return -1 - j;
    const e = j + 1 < n ? b[j + 1]! : 0;
    if (e === 0x75) {
      if (j + 5 >= n || !HEX[b[j + 2]!] || !HEX[b[j + 3]!] || !HEX[b[j + 4]!] || !HEX[b[j + 5]!]) return -1 - j;
      j += 6;
    } else if (SIMPLE_ESCAPE[e] === 1) {
      j += 2;
    } else {
      return -1 - j;
    }
    escaped = 1;
  }
}

/** The index of the first byte from `i` on that is not whitespace. */
function spaceEnd(b: Buffer, i: number, n: number): number {
  while (i < n && SPACE[b[i]!] === 1) i++;
  return i;
}

/** Whether b[from, to) holds the bytes of `key` (ASCII). */
function bytesAre(b: Buffer, from: number, to: number, key: Buffer): boolean {
  if (to - from !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (b[from + k] !== key[k]) return false;
  return true;
}

/** Parses a reply like JSON.parse, keeping every object under a `fieldsMap` key as a RawFieldsMap. */
export function parseCatoReply(body: Buffer): unknown {
  if (!isUtf8(body)) throw new SyntaxError("the reply is not UTF-8");
  return new ReplyReader(body).read();
}

class ReplyReader {
  private i = 0;
  private readonly n: number;
  // The last string stepped over: where its text starts and ends, and whether it has escapes.
  private textStart = 0;
  private textEnd = 0;
  private isEscaped = false;

  constructor(private readonly b: Buffer) {
    this.n = b.length;
  }

  read(): unknown {
    // A byte-order mark is not JSON (JSON.parse refuses it too).
    this.space();
    const result = this.value();
    this.space();
    if (this.i !== this.n) this.fail("unexpected text after the reply");
    return result;
  }

  private fail(what: string, at = this.i): never {
    throw new SyntaxError(`${what} at byte ${at} of the reply`);
  }

  /** Steps over whitespace; whether there was any. */
  private space(): boolean {
    const b = this.b;
    const from = this.i;
    this.i = spaceEnd(b, from, this.n);
    return this.i > from;
  }

  private expect(c: number, what: string): void {
    if (this.b[this.i] !== c) this.fail(`expected ${what}`);
    this.i++;
  }

  /** Steps over a string, i at its opening quote. */
  private skipString(): void {
    const start = this.i + 1;
    const end = scanString(this.b, start, this.n);
    if (end < 0) this.fail("bad string", -1 - end);
    this.textStart = start;
    this.textEnd = end >> 1;
    this.isEscaped = (end & 1) === 1;
    this.i = this.textEnd + 1;
  }

  /** The last string's value. */
  private decode(): string {
    const { b, textStart, textEnd } = this;
    return this.isEscaped
      ? (JSON.parse(b.toString("utf8", textStart - 1, textEnd + 1)) as string)
      : b.toString("utf8", textStart, textEnd);
  }

  /** Whether the last string is `key`. */
  private isKey(key: Buffer): boolean {
    if (this.isEscaped) return this.decode() === key.toString();
    return bytesAre(this.b, this.textStart, this.textEnd, key);
  }

  private number(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    for (
      let c = b[i];
      c !== undefined &&
      ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45 || c === 0x65);
      c = b[++i]
    );
    this.i = i;
    const text = b.toString("latin1", start, i);
    if (!NUMBER.test(text)) this.fail("bad number", start);
    return Number(text);
  }

  private literal(): boolean | null {
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.b.toString("latin1", this.i, this.i + word.length) === word) {
        this.i += word.length;
        return value;
      }
    }
    return this.fail("unexpected character");
  }

  /** Steps over any value, checking it is JSON; whether there was whitespace in it. */
  private skipValue(): boolean {
    const b = this.b;
    const c = b[this.i];
    let sawSpace = false;
    if (c === QUOTE) {
      this.skipString();
    } else if (c === 0x7b || c === 0x5b) {
      const isObject = c === 0x7b;
      const close = isObject ? 0x7d : 0x5d;
      this.i++;
      sawSpace = this.space();
      if (b[this.i] === close) {
        this.i++;
        return sawSpace;
      }
      for (;;) {
        if (isObject) {
          if (b[this.i] !== QUOTE) this.fail("expected a key");
          this.skipString();
          sawSpace = this.space() || sawSpace;
          this.expect(0x3a, "':'");
          sawSpace = this.space() || sawSpace;
        }
        sawSpace = this.skipValue() || sawSpace;
        sawSpace = this.space() || sawSpace;
        if (b[this.i] === 0x2c) {
          this.i++;
          sawSpace = this.space() || sawSpace;
          continue;
        }
        this.expect(close, isObject ? "',' or '}'" : "',' or ']'");
        return sawSpace;
      }
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      this.number();
    } else {
      this.literal();
    }
    return sawSpace;
  }

  /**
   * A fieldsMap object (i at its '{'): its bytes, and the fields the feed needs. Cato's maps
   * are flat, every value a string: those are stepped over here in one loop; anything else
   * goes through skipValue.
   */
  private fieldsMap(): RawFieldsMap {
    const b = this.b;
    const n = this.n;
    const start = this.i;
    let sawSpace = false;
    let eventType: string | undefined;
    let eventSubType: string | undefined;
    let time: string | undefined;
    let hasTime = false;
    let i = start + 1;
    if (SPACE[b[i]!] === 1) {
      sawSpace = true;
      i = spaceEnd(b, i, n);
    }
    if (b[i] === 0x7d) {
      i++;
    } else {
      for (;;) {
        if (b[i] !== QUOTE) this.fail("expected a key", i);
        const keyStart = i + 1;
        const keyScan = scanString(b, keyStart, n);
        if (keyScan < 0) this.fail("bad string", -1 - keyScan);
        const keyEnd = keyScan >> 1;
        i = keyEnd + 1;
        // 0: another key; 1: time; 2: event_type; 3: event_sub_type.
        let which = 0;
        const keyLength = keyEnd - keyStart;
        if ((keyScan & 1) === 1) {
          const key = JSON.parse(b.toString("utf8", keyStart - 1, keyEnd + 1)) as string;
          which = key === "time" ? 1 : key === "event_type" ? 2 : key === "event_sub_type" ? 3 : 0;
        } else if (keyLength === 4) {
          which = bytesAre(b, keyStart, keyEnd, KEY_TIME) ? 1 : 0;
        } else if (keyLength === 10) {
          which = bytesAre(b, keyStart, keyEnd, KEY_EVENT_TYPE) ? 2 : 0;
        } else if (keyLength === 14) {
          which = bytesAre(b, keyStart, keyEnd, KEY_EVENT_SUB_TYPE) ? 3 : 0;
        }
        if (SPACE[b[i]!] === 1) {
          sawSpace = true;
          i = spaceEnd(b, i, n);
        }
        if (b[i] !== 0x3a) this.fail("expected ':'", i);
        i++;
        if (SPACE[b[i]!] === 1) {
          sawSpace = true;
          i = spaceEnd(b, i, n);
        }
        if (which === 1) hasTime = true;
        if (b[i] === QUOTE) {
          const valueStart = i + 1;
          const valueScan = scanString(b, valueStart, n);
          if (valueScan < 0) this.fail("bad string", -1 - valueScan);
          const valueEnd = valueScan >> 1;
          i = valueEnd + 1;
          if (which !== 0) {
            const value =
              (valueScan & 1) === 1
                ? (JSON.parse(b.toString("utf8", valueStart - 1, valueEnd + 1)) as string)
                : b.toString("utf8", valueStart, valueEnd);
            if (which === 1) time = value;
            else if (which === 2) eventType = value;
            else eventSubType = value;
          }
        } else {
          if (which === 1) time = undefined;
          else if (which === 2) eventType = undefined;
          else if (which === 3) eventSubType = undefined;
          this.i = i;
          if (this.skipValue()) sawSpace = true;
          i = this.i;
        }
        if (SPACE[b[i]!] === 1) {
          sawSpace = true;
          i = spaceEnd(b, i, n);
        }
        if (b[i] === 0x2c) {
          i++;
          if (SPACE[b[i]!] === 1) {
            sawSpace = true;
            i = spaceEnd(b, i, n);
          }
          continue;
        }
        if (b[i] !== 0x7d) this.fail("expected ',' or '}'", i);
        i++;
        break;
      }
    }
    this.i = i;
    return new RawFieldsMap(b.subarray(start, i), eventType, eventSubType, time, hasTime, !sawSpace);
  }

  private value(): unknown {
    const b = this.b;
    const c = b[this.i];
    if (c === QUOTE) {
      this.skipString();
      return this.decode();
    }
    if (c === 0x7b) {
      this.i++;
      const out: Record<string, unknown> = {};
      this.space();
      if (b[this.i] === 0x7d) {
        this.i++;
        return out;
      }
      for (;;) {
        if (b[this.i] !== QUOTE) this.fail("expected a key");
        this.skipString();
        // The keys of every record of a page, named without a string made for each.
        const isFieldsMap = this.isKey(KEY_FIELDS_MAP);
        const name = isFieldsMap ? "fieldsMap" : this.isKey(KEY_TIME) ? "time" : this.decode();
        this.space();
        this.expect(0x3a, "':'");
        this.space();
        const v = isFieldsMap && b[this.i] === 0x7b ? this.fieldsMap() : this.value();
        // As JSON.parse: "__proto__" is an own property, never the prototype.
        if (name === "__proto__") {
          Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
        } else {
          out[name] = v;
        }
        this.space();
        if (b[this.i] === 0x2c) {
          this.i++;
          this.space();
          continue;
        }
        this.expect(0x7d, "',' or '}'");
        return out;
      }
    }
    if (c === 0x5b) {
      this.i++;
      const out: unknown[] = [];
      this.space();
      if (b[this.i] === 0x5d) {
        this.i++;
        return out;
      }
      for (;;) {
        out.push(this.value());
        this.space();
        if (b[this.i] === 0x2c) {
          this.i++;
          this.space();
          continue;
        }
        this.expect(0x5d, "',' or ']'");
        return out;
      }
    }
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    return this.literal();
  }
}
