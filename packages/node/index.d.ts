// Types of securekey (the CommonJS face; index.d.mts re-exports them for
// `import`).
/// <reference types="node" />

import type { IncomingMessage, ServerResponse } from "node:http";

/** Which key of a pair a client presented. */
export type Slot = "latest" | "previous";

/** What a securekey middleware sets on an accepted request. */
export interface SecurekeyMatch {
  /** Which key the client presented. */
  slot: Slot;
  /** The config var whose pair it matched, e.g. "SECURE_KEY". */
  var: string;
}

/** The most a key file may hold: 1 MiB (1,048,576 bytes). */
export declare const CAP: number;

/** The key file is missing, malformed or tampered, or lacks the var asked
 * for. The message never holds a key. */
export declare class KeyFileError extends Error {
  constructor(message: string);
  name: "KeyFileError";
}

/** The id of a key: the first 8 hex chars (lowercase) of SHA-256 over its
 * canonical text. */
export declare function keyId(canonical: string): string;

/** One key (64 uppercase hex chars). Printed, inspected or serialized, it
 * shows its id only. */
export declare class Key {
  /** Throws TypeError unless canonical is 64 uppercase hex chars. */
  constructor(canonical: string);
  /** The key's id (8 lowercase hex chars). */
  readonly id: string;
  /** The key itself: to sign with, or to present in a header. */
  reveal(): string;
  /** True if presented is this key (constant time). */
  matches(presented: Buffer): boolean;
  toString(): string;
  toJSON(): { id: string };
}

/** One var's keys. Printed, inspected or serialized, it shows key ids only. */
export declare class KeyPair {
  constructor(latest: string | Key, previous?: string | Key | null);
  readonly latest: Key;
  /** null after the add-on's `NEW,` (no previous key). */
  readonly previous: Key | null;
  readonly latestId: string;
  readonly previousId: string | null;
  /** Which key was presented, in constant time; null for anything else. */
  verify(presented: string | Buffer | null | undefined): Slot | null;
  /** The keys a client presents, in order: latest, then previous. */
  keysToPresent(): Key[];
  toString(): string;
  toJSON(): { latest_id: string; previous_id: string | null };
}

/** A loaded key file: the pair of each var it holds. */
export declare class KeyFile {
  constructor(pairs: Iterable<readonly [string, KeyPair]>, file?: string | null);
  /** The path it was loaded from (null when parsed from content). */
  readonly path: string | null;
  /** The vars it holds, in the file's order. */
  readonly vars: string[];
  has(variable: string): boolean;
  /** The pair of variable; without one, SECURE_KEY if the file holds it,
   * else the file's only var. Throws KeyFileError. */
  pair(variable?: string | null): KeyPair;
  /** The var pair(variable) reads. Throws KeyFileError. */
  chooseVar(variable?: string | null): string;
  toString(): string;
  toJSON(): Record<string, { latest_id: string; previous_id: string | null }>;
}

/** $SECUREKEY_FILE when set and not empty, else .securekey/keys.json under
 * the current working directory. */
export declare function defaultPath(): string;

/** Reads the key file (a regular file of at most CAP bytes) at file
 * (default: defaultPath()). Throws KeyFileError. */
export declare function load(file?: string): KeyFile;

/** One var's pair from the key file. Throws KeyFileError. */
export declare function loadPair(variable?: string | null, file?: string): KeyPair;

/** A key file's content as a KeyFile. Throws KeyFileError. */
export declare function parse(content: string | Buffer | Uint8Array): KeyFile;

/** Where a middleware or client finds its pair. */
export interface SourceOptions {
  /** The config var, e.g. "SERVICE_ONE_SECURE_KEY". Default: SECURE_KEY if
   * the key file holds it, else its only var. */
  var?: string;
  /** The key file's path. Default: defaultPath(). */
  file?: string;
  /** An already loaded key file (instead of file). */
  keyFile?: KeyFile;
}

/** Why a request was refused: no Authorization header, more than one, or
 * one that is not `Bearer <the latest or the previous key>`. */
export type RefusalReason = "missing" | "repeated" | "invalid";

/** What onRefused is told. Never what was presented. */
export interface Refusal {
  reason: RefusalReason;
  /** The config var the middleware checks. */
  var: string;
}

export interface MiddlewareOptions<Req = IncomingMessage> extends SourceOptions {
  /** Answer a request that presented the previous key with the latest key
   * in `Securekey-Latest`. Off by default: it hands the new key to whoever
   * holds the old one. */
  sendLatest?: boolean;
  /** Paths that need no key, matched exactly (the query aside), e.g.
   * ["/health"]. */
  publicPaths?: string[];
  /** A JSON 401: `{"error": "invalid_token", "error_description": …}` and
   * `WWW-Authenticate: Bearer realm="securekey", error="invalid_token"`
   * (RFC 6750, as passport-http-bearer answers). Default: text. */
  json?: boolean;
  /** Called after each 401 is sent (to log or count refusals). */
  onRefused?: (req: Req, refusal: Refusal) => void;
}

/** A request a securekey middleware accepted. */
export interface SecurekeyRequest extends IncomingMessage {
  securekey: SecurekeyMatch;
}

/** Express/Connect middleware. Reads the key file once, now. */
export declare function expressMiddleware(
  options?: MiddlewareOptions,
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** A node:http request listener that calls listener only for requests
 * that present a valid key. Reads the key file once, now. */
export declare function httpMiddleware(
  listener: (req: SecurekeyRequest, res: ServerResponse) => unknown,
  options?: MiddlewareOptions & { publicPaths?: undefined },
): (req: IncomingMessage, res: ServerResponse) => unknown;
/** With publicPaths, the listener also gets the public paths' requests,
 * which carry no securekey. */
export declare function httpMiddleware(
  listener: (req: IncomingMessage & { securekey?: SecurekeyMatch }, res: ServerResponse) => unknown,
  options: MiddlewareOptions,
): (req: IncomingMessage, res: ServerResponse) => unknown;

/** Where createFetch logs: console, pino, winston… (warn, and info when
 * there is one). */
export interface ClientLogger {
  warn(message: string): unknown;
  info?(message: string): unknown;
}

/** What the middleware set on an accepted request (Express, node:http or
 * Fastify); throws when it did not run (a public path, or a route outside
 * it). Typed under `strict`, unlike `req.securekey` (optional on Express's
 * Request: a route may sit outside the middleware). */
export declare function securekeyOf(req: { securekey?: SecurekeyMatch | null }): SecurekeyMatch;

export interface ClientOptions extends SourceOptions {
  /** A pair to present (instead of the key file). */
  pair?: KeyPair;
  /** The fetch to send with. Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Where to say that the server accepted our key only as its previous one
   * (naming its Securekey-Latest by id), or refused both keys. Default:
   * warnings to console.warn; null: silent. */
  logger?: ClientLogger | null;
}

/** A fetch that presents the latest key and, on a 401, retries once with
 * the previous one. Reads the key file once, now. */
export declare function createFetch(
  options?: ClientOptions,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

declare global {
  namespace Express {
    interface Request {
      /** Set by securekey's expressMiddleware on accepted requests. */
      securekey?: SecurekeyMatch;
    }
  }
}
