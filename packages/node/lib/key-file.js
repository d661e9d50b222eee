// The key file securekey writes at every dyno boot: where it is (one path
// rule), how it is read (one read rule: a regular file of at most 1 MiB)
// and what it must hold (exactly what securekey writes, or it is refused
// as a whole).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");
const { KeyFileError, KeyPair, isCanonical, keyId } = require("./keys.js");

/** The most a key file may hold: 1 MiB. A Heroku app's is a few hundred
 * bytes. */
const CAP = 1048576;
const FORMAT_VERSION = 1;
// serde_json, which securekey uses to write and read the file, refuses
// deeper nesting (128 levels); every reader refuses what it refuses.
const MAX_DEPTH = 127;
// Key material pasted where a name or a path belongs is never shown: a run
// of 16 hex chars, or of 32 letters and digits (a pre-2013 key).
const KEY_LIKE = /[0-9A-Fa-f]{16}|[0-9A-Za-z]{32}/;
// Control and bidi characters would forge or hide text on a terminal.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const DEFAULT_VAR = "SECURE_KEY";

/** A name or a path as it may be shown in a message. */
function shown(text) {
  const s = String(text);
  if (KEY_LIKE.test(s)) return "<not shown: it looks like a key>";
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** $SECUREKEY_FILE when set and not empty, else .securekey/keys.json
 * under the current working directory. $HOME is not consulted. */
function defaultPath() {
  return process.env.SECUREKEY_FILE || path.join(".securekey", "keys.json");
}

function kind(stats) {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

function notRegular(file, stats) {
  return new KeyFileError(
    `the key file ${shown(file)} is ${kind(stats)}, not a regular file: point SECUREKEY_FILE at the file \`securekey write\` writes`,
  );
}

const REASONS = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  ELOOP: "too many symlinks",
  ENAMETOOLONG: "the path is too long",
  EIO: "an I/O error",
  EMFILE: "too many open files",
};

function cannotRead(file, error) {
  if (error.code === "ENOENT" || error.code === "ENOTDIR") {
    return new KeyFileError(
      `no key file at ${shown(file)}: run \`securekey write\` first (on Heroku the buildpack's boot script does), or set SECUREKEY_FILE`,
    );
  }
  // Node's message ends with the path; the code says what happened.
  const why = REASONS[error.code] ?? "error";
  return new KeyFileError(`cannot read the key file ${shown(file)}: ${why} (${error.code ?? "no code"})`);
}

// O_NONBLOCK: opening a FIFO that appeared after the stat must not wait
// for a writer. O_NOCTTY: a terminal never becomes ours.
const OPEN_FLAGS =
  fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

/** The content of the key file at file: a regular file (a symlink to one
 * is fine) of at most CAP bytes, read with that cap. Anything else is
 * refused at once, without blocking. */
function readKeyFile(file) {
  let fd;
  try {
    const stats = fs.statSync(file);
    if (!stats.isFile()) throw notRegular(file, stats);
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    if (e instanceof KeyFileError) throw e;
    throw cannotRead(file, e);
  }
  try {
    // The path may have been swapped between the stat and the open.
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, stats);
    const buffer = Buffer.alloc(CAP + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > CAP) {
      throw new KeyFileError(
        `the key file ${shown(file)} is over 1 MiB (1,048,576 bytes): it is not one \`securekey write\` wrote`,
      );
    }
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof KeyFileError) throw e;
    throw cannotRead(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

// One linear pass over a text JSON.parse has accepted (so well-formed):
// its deepest nesting, and the raw text of the top-level "version" value
// (the last one, as JSON.parse keeps it). JSON.parse reads 1.0 and 1e0 as
// 1; serde_json does not. No regex: a long string must cost a loop, not a
// stack.
function scan(text) {
  let depth = 0;
  let deepest = 0;
  let name = null;
  let inValue = false;
  let version = null;
  const value = (raw) => {
    if (depth === 1 && inValue) {
      if (name === "version") version = raw;
      inValue = false;
      return true;
    }
    return false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const raw = text.slice(i, j + 1);
      if (!value(raw) && depth === 1) name = JSON.parse(raw);
      i = j + 1;
    } else if (c === "{" || c === "[") {
      value(c);
      depth += 1;
      deepest = Math.max(deepest, depth);
      i += 1;
    } else if (c === "}" || c === "]") {
      depth -= 1;
      i += 1;
    } else if (c === ":") {
      inValue = depth === 1;
      i += 1;
    } else if (c === "," || c === " " || c === "\t" || c === "\n" || c === "\r") {
      i += 1;
    } else {
      // A number or a literal: up to the next delimiter.
      let j = i + 1;
      while (j < text.length && !",]} \t\n\r".includes(text[j])) j += 1;
      value(text.slice(i, j));
      i = j;
    }
  }
  return { deepest, version };
}

// Well-formed strings (no lone "\ud800": JSON.parse keeps it, serde_json
// refuses it) and finite numbers (JSON.parse reads 1e400 as Infinity).
// The nesting is already known to be at most MAX_DEPTH.
function plain(value) {
  if (typeof value === "string") return value.isWellFormed();
  if (typeof value === "number") return Number.isFinite(value);
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(plain);
  return Object.entries(value).every(([k, v]) => k.isWellFormed() && plain(v));
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function own(object, name) {
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

// One slot's key, checked against its id; null for a null previous.
function slotKey(name, entry, slot) {
  const text = own(entry, slot);
  const id = own(entry, `${slot}_id`);
  if (slot === "previous" && text === null) {
    if (id === null) return null;
    throw new KeyFileError(`${name}: "previous" is null, so "previous_id" must be null too`);
  }
  if (typeof text !== "string") throw new KeyFileError(`${name}: no "${slot}"`);
  if (!isCanonical(text)) {
    throw new KeyFileError(`${name}: the ${slot} key is not 64 uppercase hex chars`);
  }
  if (typeof id !== "string") throw new KeyFileError(`${name}: no "${slot}_id"`);
  if (id !== keyId(text)) throw new KeyFileError(`${name}: the ${slot} key does not match ${slot}_id`);
  return text;
}

/** The pairs in a key file's content (a Buffer or a string), by var.
 * Throws KeyFileError (the reason alone) unless the whole file is valid. */
function parsePairs(content) {
  let text;
  let doc;
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: a BOM is
    // kept, and refused by JSON.parse, as serde_json refuses it.
    text =
      typeof content === "string"
        ? content
        : new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the file: never shown.
    throw new KeyFileError("not valid JSON");
  }
  const { deepest, version } = scan(text);
  if (deepest > MAX_DEPTH || !plain(doc)) throw new KeyFileError("not valid JSON");
  if (!isObject(doc) || own(doc, "version") !== FORMAT_VERSION || version !== "1") {
    throw new KeyFileError('expected "version": 1');
  }
  const keys = own(doc, "keys");
  if (!isObject(keys)) throw new KeyFileError('expected a "keys" object');
  const pairs = new Map();
  for (const [variable, entry] of Object.entries(keys)) {
    const name = shown(variable);
    if (!isObject(entry)) throw new KeyFileError(`${name}: not an object with "latest" and "previous"`);
    const latest = slotKey(name, entry, "latest");
    pairs.set(variable, new KeyPair(latest, slotKey(name, entry, "previous")));
  }
  return pairs;
}

/** A loaded key file: the pair of each var it holds. */
class KeyFile {
  #pairs;

  constructor(pairs, file = null) {
    this.#pairs = new Map(pairs);
    this.path = file;
    Object.freeze(this);
  }

  /** The vars the file holds, in the file's order. */
  get vars() {
    return [...this.#pairs.keys()];
  }

  has(variable) {
    return this.#pairs.has(variable);
  }

  /** The pair of variable, or of the var chooseVar() picks without one. */
  pair(variable) {
    return this.#pairs.get(this.chooseVar(variable));
  }

  /** The var pair(variable) reads: variable itself if the file holds it;
   * without one, SECURE_KEY if the file holds it, else the file's only
   * var. Throws KeyFileError when there is no such var, or no way to
   * choose. */
  chooseVar(variable) {
    const where = this.path === null ? "the key file" : `the key file ${shown(this.path)}`;
    if (variable !== undefined && variable !== null) {
      if (!this.#pairs.has(variable)) throw new KeyFileError(`no ${shown(variable)} in ${where}`);
      return variable;
    }
    if (this.#pairs.has(DEFAULT_VAR)) return DEFAULT_VAR;
    if (this.#pairs.size === 1) return this.vars[0];
    const names = this.vars.map(shown).join(", ");
    throw new KeyFileError(
      this.#pairs.size === 0
        ? `${where} holds no vars`
        : `${where} has no ${DEFAULT_VAR} but ${this.#pairs.size} vars (${names}): name one (the var option)`,
    );
  }

  toString() {
    return `KeyFile(${[...this.#pairs].map(([v, p]) => `${shown(v)}: ${p}`).join(", ")})`;
  }

  toJSON() {
    return Object.fromEntries([...this.#pairs].map(([v, p]) => [shown(v), p.toJSON()]));
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

/** A key file's content (a Buffer or a string) as a KeyFile. */
function parse(content) {
  return new KeyFile(parsePairs(content));
}

/** The key file at file (default: defaultPath()). Throws KeyFileError. */
function load(file = defaultPath()) {
  const content = readKeyFile(file);
  try {
    return new KeyFile(parsePairs(content), file);
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e;
    throw new KeyFileError(`cannot load the key file ${shown(file)}: ${e.message}`);
  }
}

/** One var's pair from the key file (the var: as KeyFile#pair chooses). */
function loadPair(variable, file = defaultPath()) {
  return load(file).pair(variable);
}

module.exports = { CAP, KeyFile, defaultPath, load, loadPair, parse, shown };
