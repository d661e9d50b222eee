// Reads the key file that securekey writes at every dyno boot, for a Node app.
//
// Copy this file into your app; it needs only Node's standard library (18+).
//
//   const securekey = require("./securekey");
//
//   const pair = securekey.loadPair("SECURE_KEY"); // $SECUREKEY_FILE, else ~/.securekey/keys.json
//
//   // Server: accept the previous key, answer with the latest.
//   const slot = pair.verify(presented);           // "latest", "previous" or null
//   if (slot === null) refuse();
//   else if (slot === "previous") answerWith(pair.latest); // the client follows the rotation
//
//   // Client: present the latest key; if refused, retry once with the
//   // previous one (the server's dynos may not have restarted yet).
//   for (const key of pair.keysToPresent()) {
//     if ((await callServer(key)).ok) break;
//   }
//
// The file is refused as a whole (KeyFileError) unless it is exactly what
// securekey writes: version 1, every key 64 uppercase hex chars, every id the
// first 8 hex chars of the key's SHA-256; a pair without a previous key (the
// add-on's "NEW,") has "previous": null and "previous_id": null. Nothing here
// prints or throws a key: a KeyPair shows key ids only (console.log,
// util.inspect, JSON.stringify, String()).
//
// Also a command (the conformance table in tests/conformance/ runs it):
//
//   node securekey.js verify VAR < presented  # latest | previous | refused; exit 0, 0, 1
//   node securekey.js present VAR             # key ids in client order
//   // exit 2, one line on stderr: key file missing, malformed or tampered, or no VAR

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const util = require("node:util");

const FORMAT_VERSION = 1;
const CANONICAL = /^[0-9A-F]{64}$/;
// Key material pasted where a name or a path belongs is never shown: a run of
// 16 hex chars, or of 32 letters and digits (a pre-2013 key), as securekey does.
const KEY_LIKE = /[0-9A-Fa-f]{16}|[0-9A-Za-z]{32}/;
// serde_json, which securekey uses to write and read the file, refuses
// deeper nesting (128 levels); the readers refuse what it refuses.
const MAX_DEPTH = 127;
// The tokens of a document JSON.parse has accepted: strings, punctuation,
// and literals (numbers, true, false, null).
const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+/g;
// A lone UTF-16 surrogate ("\ud800" in the file): JSON.parse keeps it,
// serde_json refuses it.
const LONE_SURROGATE = /\p{Cs}/u;

/** The key file is missing, malformed or tampered, or lacks a var. The
 * message names the path and what is wrong; never a key. */
class KeyFileError extends Error {
  constructor(message) {
    super(message);
    this.name = "KeyFileError";
  }
}

/** The public name of a key: 8 lowercase hex chars of SHA-256. */
function keyId(canonical) {
  return crypto.createHash("sha256").update(canonical, "ascii").digest("hex").slice(0, 8);
}

function shown(text) {
  return KEY_LIKE.test(String(text)) ? "<not shown: it looks like a key>" : String(text);
}

/** One var's keys. Shows the key ids only, however it is printed. */
class KeyPair {
  #latest;
  #previous;

  constructor(latest, previous = null) {
    this.#latest = Buffer.from(latest, "ascii");
    this.#previous = previous === null ? null : Buffer.from(previous, "ascii");
    this.latestId = keyId(latest);
    this.previousId = previous === null ? null : keyId(previous);
    Object.freeze(this);
  }

  /** The key to sign with and to answer clients with (the secret itself). */
  get latest() {
    return this.#latest.toString("ascii");
  }

  /** The key from before the last rotation, or null (the add-on's NEW,). */
  get previous() {
    return this.#previous === null ? null : this.#previous.toString("ascii");
  }

  /** Which key a client presented (a string or a Buffer): "latest",
   * "previous" or null. Constant time (crypto.timingSafeEqual), and both keys
   * are always compared. Only the exact canonical text matches: 64
   * uppercase hex. */
  verify(presented) {
    const bytes = Buffer.isBuffer(presented) ? presented : Buffer.from(String(presented), "utf8");
    const latest = same(bytes, this.#latest);
    // Without a previous key, compare with the latest again so the time
    // taken does not depend on the presented key.
    const previous = same(bytes, this.#previous ?? this.#latest);
    if (latest) return "latest";
    if (previous && this.#previous !== null) return "previous";
    return null;
  }

  /** The keys a client presents, in order: latest, then previous. */
  keysToPresent() {
    return this.#previous === null ? [this.latest] : [this.latest, this.previous];
  }

  toString() {
    return `KeyPair(latest=${this.latestId}, previous=${this.previousId ?? "none"})`;
  }

  toJSON() {
    return { latest_id: this.latestId, previous_id: this.previousId };
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

// timingSafeEqual throws on a length mismatch; the length (always 64 for a
// stored key) is not secret.
function same(presented, key) {
  return presented.length === key.length && crypto.timingSafeEqual(presented, key);
}

/** $SECUREKEY_FILE, else $HOME/.securekey/keys.json. */
function defaultPath() {
  return process.env.SECUREKEY_FILE || path.join(os.homedir(), ".securekey", "keys.json");
}

// The raw text of the top-level "version" value (the last one, as JSON.parse
// keeps): JSON.parse reads 1.0 and 1e0 as 1, serde_json does not.
function rawVersion(text) {
  let depth = 0;
  let name = null;
  let inValue = false;
  let raw = null;
  for (const [token] of text.matchAll(TOKEN)) {
    if (depth === 1 && inValue) {
      if (name === "version") raw = token;
      inValue = false;
    } else if (depth === 1 && token === ":") {
      inValue = true;
    } else if (depth === 1 && token.startsWith('"')) {
      name = JSON.parse(token);
    }
    if (token === "{" || token === "[") depth += 1;
    else if (token === "}" || token === "]") depth -= 1;
  }
  return raw;
}

// Well-formed strings (no lone "\ud800"), finite numbers (JSON.parse reads
// 1e400 as Infinity) and at most MAX_DEPTH levels, as serde_json wants them.
function plain(value, depth = 1) {
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (typeof value === "number") return Number.isFinite(value);
  if (value === null || typeof value !== "object") return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((v) => plain(v, depth + 1));
  return Object.entries(value).every(([k, v]) => plain(k) && plain(v, depth + 1));
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function has(object, name) {
  return Object.prototype.hasOwnProperty.call(object, name);
}

// One slot's key, checked against its id; null for a null previous.
function key(name, entry, slot, nullable) {
  const text = has(entry, slot) ? entry[slot] : undefined;
  const textId = has(entry, `${slot}_id`) ? entry[`${slot}_id`] : undefined;
  if (nullable && text === null) {
    if (textId === null) return null;
    throw new KeyFileError(`${name}: "${slot}" is null, so "${slot}_id" must be null too`);
  }
  if (typeof text !== "string") throw new KeyFileError(`${name}: no "${slot}"`);
  if (!CANONICAL.test(text)) {
    throw new KeyFileError(`${name}: the ${slot} key is not 64 uppercase hex chars`);
  }
  if (typeof textId !== "string") throw new KeyFileError(`${name}: no "${slot}_id"`);
  if (textId !== keyId(text)) {
    throw new KeyFileError(`${name}: the ${slot} key does not match ${slot}_id`);
  }
  return text;
}

/** The pairs in a key file's content (a Buffer), by var: a Map from
 * "SECURE_KEY" to KeyPair. Throws KeyFileError unless the whole file is
 * valid. */
function parse(content) {
  let text;
  let doc;
  try {
    // fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a BOM is kept,
    // and refused by JSON.parse, as serde_json refuses it.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the file: never shown.
    throw new KeyFileError("not valid JSON");
  }
  if (!plain(doc)) throw new KeyFileError("not valid JSON");
  if (!isObject(doc) || doc.version !== FORMAT_VERSION || rawVersion(text) !== "1") {
    throw new KeyFileError('expected "version": 1');
  }
  if (!isObject(doc.keys)) throw new KeyFileError('expected a "keys" object');
  const pairs = new Map();
  for (const [variable, entry] of Object.entries(doc.keys)) {
    const name = shown(variable);
    if (!isObject(entry)) throw new KeyFileError(`${name}: no "latest"`);
    const latest = key(name, entry, "latest", false);
    pairs.set(variable, new KeyPair(latest, key(name, entry, "previous", true)));
  }
  return pairs;
}

/** The pairs in the key file at file (default: defaultPath()). */
function load(file = defaultPath()) {
  let content;
  try {
    content = fs.readFileSync(file);
  } catch (e) {
    // Node's message ("ENOENT: no such file or directory, open '…'") ends
    // with the path, which is shown only if safe.
    const cause = /^[A-Z]+: ([^,]+),/.exec(e.message)?.[1] ?? e.code ?? "error";
    throw new KeyFileError(`cannot read the key file ${shown(file)}: ${cause}`);
  }
  try {
    return parse(content);
  } catch (e) {
    throw new KeyFileError(`cannot load the key file ${shown(file)}: ${e.message}`);
  }
}

/** One var's pair from the key file; KeyFileError if it is not there. */
function loadPair(variable = "SECURE_KEY", file = defaultPath()) {
  const pairs = load(file);
  if (!pairs.has(variable)) throw new KeyFileError(`no ${shown(variable)} in the key file`);
  return pairs.get(variable);
}

// One line of stdin without its line ending; nothing else is stripped.
async function readPresented() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    if (chunk.includes(0x0a)) break;
  }
  let line = Buffer.concat(chunks);
  const newline = line.indexOf(0x0a);
  if (newline >= 0) {
    line = line.subarray(0, newline);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
  }
  return line;
}

async function main(argv) {
  if (argv.length !== 2 || !["verify", "present"].includes(argv[0])) {
    console.error("usage: securekey.js (verify | present) VAR");
    return 2;
  }
  const [command, variable] = argv;
  let pair;
  try {
    pair = loadPair(variable);
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e;
    console.error(`securekey: ${e.message}`);
    return 2;
  }
  if (command === "present") {
    console.log(pair.keysToPresent().map(keyId).join("\n"));
    return 0;
  }
  const slot = pair.verify(await readPresented());
  console.log(slot ?? "refused");
  return slot ? 0 : 1;
}

module.exports = { KeyFileError, KeyPair, defaultPath, keyId, load, loadPair, parse };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
