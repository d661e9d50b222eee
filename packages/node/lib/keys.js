// Key types: a key, a var's pair of keys, and key ids. A key shows its id
// however it is printed (String(), console.log, util.inspect,
// JSON.stringify); its text comes out only through reveal().
"use strict";

const crypto = require("node:crypto");
const util = require("node:util");

const CANONICAL = /^[0-9A-F]{64}$/;

/** True if text is a key in canonical form: 64 uppercase hex chars. */
function isCanonical(text) {
  return typeof text === "string" && CANONICAL.test(text);
}

/** The key file is missing, malformed or tampered, or lacks the var asked
 * for. The message says what and how to fix it; it never holds a key. */
class KeyFileError extends Error {
  constructor(message) {
    super(message);
    this.name = "KeyFileError";
  }
}

/** The public name of a key: the first 8 hex chars (lowercase) of SHA-256
 * over its canonical text. */
function keyId(canonical) {
  return crypto.createHash("sha256").update(String(canonical), "utf8").digest("hex").slice(0, 8);
}

/** One key, in canonical form (64 uppercase hex chars; anything else is
 * a TypeError). */
class Key {
  #bytes;

  constructor(canonical) {
    if (!isCanonical(canonical)) {
      throw new TypeError("a key is 64 uppercase hex chars (the add-on's form)");
    }
    this.#bytes = Buffer.from(canonical, "ascii");
    this.id = keyId(canonical);
    Object.freeze(this);
  }

  /** The key itself: to sign with, or to present in a header. */
  reveal() {
    return this.#bytes.toString("ascii");
  }

  /** True if presented (a Buffer) is this key; constant time for
   * presented keys of a key's length (the length is not secret). */
  matches(presented) {
    return presented.length === this.#bytes.length && crypto.timingSafeEqual(presented, this.#bytes);
  }

  toString() {
    return `Key(${this.id})`;
  }

  toJSON() {
    return { id: this.id };
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

/** One var's keys: the latest, and the previous one (null after the
 * add-on's `NEW,`). Shows the key ids only. */
class KeyPair {
  constructor(latest, previous = null) {
    this.latest = latest instanceof Key ? latest : new Key(latest);
    this.previous = previous === null || previous instanceof Key ? previous : new Key(previous);
    this.latestId = this.latest.id;
    this.previousId = this.previous === null ? null : this.previous.id;
    Object.freeze(this);
  }

  /** Which key a client presented (a string or a Buffer): "latest",
   * "previous" or null. Both keys are always compared, in constant time
   * (crypto.timingSafeEqual); only the exact canonical text matches. */
  verify(presented) {
    if (typeof presented !== "string" && !Buffer.isBuffer(presented)) return null;
    const bytes = Buffer.isBuffer(presented) ? presented : Buffer.from(presented, "utf8");
    const latest = this.latest.matches(bytes);
    // Without a previous key, compare with the latest again so the time
    // taken does not depend on which slot is empty.
    const previous = (this.previous ?? this.latest).matches(bytes);
    if (latest) return "latest";
    if (previous && this.previous !== null) return "previous";
    return null;
  }

  /** The keys a client presents, in order: the latest, then the previous
   * one (when there is one). */
  keysToPresent() {
    return this.previous === null ? [this.latest] : [this.latest, this.previous];
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

module.exports = { Key, KeyFileError, KeyPair, isCanonical, keyId };
