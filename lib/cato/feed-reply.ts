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
const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** Parses a reply like JSON.parse, keeping every object under a `fieldsMap` key as a RawFieldsMap. */
export function parseCatoReply(body: Buffer): unknown {
  if (!isUtf8(body)) throw new SyntaxError("the reply is not UTF-8");
  const b = body;
  const n = b.length;
  let i = 0;
  let sawSpace = false;

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at byte ${i} of the reply`);
  };
  const space = () => {
    const from = i;
    for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
    if (i > from) sawSpace = true;
  };
  const expect = (c: number, what: string) => {
    if (b[i] !== c) fail(`expected ${what}`);
    i++;
  };

  // The last string stepped over: where its text starts and ends, and whether it has escapes
  // (kept here rather than returned, so that the hundreds of thousands of strings in a page
  // allocate nothing).
  let textStart = 0;
  let textEnd = 0;
  let isEscaped = false;

  /** Steps over a string, i at its opening quote. */
  const skipString = (): void => {
    let j = i + 1;
    textStart = j;
    isEscaped = false;
    for (;;) {
      const c = b[j];
      if (c === QUOTE) break;
      if (c === undefined) {
        i = j;
        fail("unterminated string");
      } else if (c === BACKSLASH) {
        isEscaped = true;
        const e = b[j + 1];
        if (e === 0x75) {
          if (!isHex(b[j + 2]) || !isHex(b[j + 3]) || !isHex(b[j + 4]) || !isHex(b[j + 5])) {
            i = j;
            fail("bad \\u escape");
          }
          j += 6;
        } else if (e !== undefined && ESCAPES.has(e)) {
          j += 2;
        } else {
          i = j;
          fail("bad escape");
        }
      } else if (c < 0x20) {
        i = j;
        fail("control character in string");
      } else {
        j++;
      }
    }
    textEnd = j;
    i = j + 1;
  };
  /** The last string's value. */
  const decode = (): string =>
    isEscaped
      ? (JSON.parse(b.toString("utf8", textStart - 1, textEnd + 1)) as string)
      : b.toString("utf8", textStart, textEnd);
  /** Whether the last string is `key` (ASCII). */
  const isKey = (key: Buffer): boolean => {
    if (isEscaped) return decode() === key.toString();
    if (textEnd - textStart !== key.length) return false;
    for (let k = 0; k < key.length; k++) if (b[textStart + k] !== key[k]) return false;
    return true;
  };

  const number = (): number => {
    const start = i;
    for (
      let c = b[i];
      c !== undefined &&
      ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45 || c === 0x65);
      c = b[++i]
    );
    const text = b.toString("latin1", start, i);
    if (!NUMBER.test(text)) fail("bad number");
    return Number(text);
  };
  const literal = (): boolean | null => {
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (b.toString("latin1", i, i + word.length) === word) {
        i += word.length;
        return value;
      }
    }
    return fail("unexpected character");
  };

  /** Steps over any value, checking it is JSON. */
  const skipValue = (): void => {
    const c = b[i];
    if (c === QUOTE) {
      skipString();
    } else if (c === 0x7b) {
      i++;
      space();
      if (b[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        if (b[i] !== QUOTE) fail("expected a key");
        skipString();
        space();
        expect(0x3a, "':'");
        space();
        skipValue();
        space();
        if (b[i] === 0x2c) {
          i++;
          space();
          continue;
        }
        expect(0x7d, "',' or '}'");
        return;
      }
    } else if (c === 0x5b) {
      i++;
      space();
      if (b[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        skipValue();
        space();
        if (b[i] === 0x2c) {
          i++;
          space();
          continue;
        }
        expect(0x5d, "',' or ']'");
        return;
      }
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      number();
    } else {
      literal();
    }
  };

  /** A fieldsMap object (i at its '{'): its bytes, and the fields the feed needs. */
  const fieldsMap = (): RawFieldsMap => {
    const start = i;
    sawSpace = false;
    let eventType: string | undefined;
    let eventSubType: string | undefined;
    let time: string | undefined;
    let hasTime = false;
    i++;
    space();
    if (b[i] === 0x7d) {
      i++;
    } else {
      for (;;) {
        if (b[i] !== QUOTE) fail("expected a key");
        skipString();
        const isTime = isKey(KEY_TIME);
        const isType = !isTime && isKey(KEY_EVENT_TYPE);
        const isSubType = !isTime && !isType && isKey(KEY_EVENT_SUB_TYPE);
        space();
        expect(0x3a, "':'");
        space();
        if (isTime) hasTime = true;
        if ((isTime || isType || isSubType) && b[i] === QUOTE) {
          skipString();
          const value = decode();
          if (isTime) time = value;
          else if (isType) eventType = value;
          else eventSubType = value;
        } else {
          if (isTime) time = undefined;
          else if (isType) eventType = undefined;
          else if (isSubType) eventSubType = undefined;
          skipValue();
        }
        space();
        if (b[i] === 0x2c) {
          i++;
          space();
          continue;
        }
        expect(0x7d, "',' or '}'");
        break;
      }
    }
    return new RawFieldsMap(b.subarray(start, i), eventType, eventSubType, time, hasTime, !sawSpace);
  };

  const value = (): unknown => {
    const c = b[i];
    if (c === QUOTE) {
      skipString();
      return decode();
    }
    if (c === 0x7b) {
      i++;
      const out: Record<string, unknown> = {};
      space();
      if (b[i] === 0x7d) {
        i++;
        return out;
      }
      for (;;) {
        if (b[i] !== QUOTE) fail("expected a key");
        skipString();
        const name = decode();
        const isFieldsMap = isKey(KEY_FIELDS_MAP);
        space();
        expect(0x3a, "':'");
        space();
        const v = isFieldsMap && b[i] === 0x7b ? fieldsMap() : value();
        // As JSON.parse: "__proto__" is an own property, never the prototype.
        if (name === "__proto__") {
          Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
        } else {
          out[name] = v;
        }
        space();
        if (b[i] === 0x2c) {
          i++;
          space();
          continue;
        }
        expect(0x7d, "',' or '}'");
        return out;
      }
    }
    if (c === 0x5b) {
      i++;
      const out: unknown[] = [];
      space();
      if (b[i] === 0x5d) {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        space();
        if (b[i] === 0x2c) {
          i++;
          space();
          continue;
        }
        expect(0x5d, "',' or ']'");
        return out;
      }
    }
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return number();
    return literal();
  };

  // A byte-order mark is not JSON (JSON.parse refuses it too).
  space();
  const result = value();
  space();
  if (i !== n) fail("unexpected text after the reply");
  return result;
}
