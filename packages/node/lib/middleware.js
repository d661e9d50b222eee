// The graceful-rotation protocol on the server side: the client presents
// a key in `Authorization: Bearer <KEY>`; the latest or the previous key of
// the pair is accepted (constant time), anything else gets a 401 that never
// echoes what was presented. For Express/Connect (req, res, next) and for a
// plain node:http request listener; lib/fastify.js uses the same guard.
"use strict";

const { defaultPath, load } = require("./key-file.js");

const REALM = 'Bearer realm="securekey"';
const HOW = "present a valid key as Authorization: Bearer <key>";
const REFUSED = `401 Unauthorized: ${HOW}\n`;

// The RFC 6750 error code of each refusal (`json: true`): none when no
// credentials were presented (§3.1), as passport-http-bearer does.
const ERROR_CODES = { missing: null, repeated: "invalid_request", invalid: "invalid_token" };

// The Authorization headers of a request, however many it sent: Node keeps
// only the first in req.headers.authorization, so a second one (a proxy's,
// or an attacker's behind the latest key) would go unseen.
function authorizations(req) {
  const distinct = req.headersDistinct?.authorization;
  if (Array.isArray(distinct)) return distinct;
  const values = [];
  const raw = req.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === "authorization") values.push(raw[i + 1]);
  }
  return values;
}

// The key in an `Authorization: Bearer <KEY>` header, or null. The scheme
// is case-insensitive (RFC 7235); the key must be exact.
function bearer(header) {
  if (typeof header !== "string") return null;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer") return null;
  return header.slice(space + 1).trimStart();
}

// The path of a request URL, without its query: what publicPaths match.
function pathOf(url) {
  const text = String(url ?? "");
  const query = text.indexOf("?");
  return query < 0 ? text : text.slice(0, query);
}

function checkOptions(options) {
  const { publicPaths = [], onRefused } = options;
  if (!Array.isArray(publicPaths) || !publicPaths.every((p) => typeof p === "string" && p.startsWith("/"))) {
    throw new TypeError('securekey: publicPaths must be an array of paths, each starting with "/" (e.g. ["/health"])');
  }
  if (onRefused !== undefined && typeof onRefused !== "function") {
    throw new TypeError("securekey: onRefused must be a function (req, { reason, var })");
  }
}

// The guard each middleware runs, built once: the key file is read when
// the middleware is made (Heroku restarts every dyno when config vars
// change, and the boot script rewrites the file).
function guard(options = {}) {
  checkOptions(options);
  const keyFile = options.keyFile ?? load(options.file ?? defaultPath());
  const variable = keyFile.chooseVar(options.var);
  const pair = keyFile.pair(variable);
  const sendLatest = options.sendLatest === true;
  const json = options.json === true;
  const publicPaths = new Set(options.publicPaths ?? []);
  const onRefused = options.onRefused;
  return {
    variable,
    /** True if the path (exactly, query aside) needs no key. */
    isPublic: (url) => publicPaths.has(pathOf(url)),
    /** { slot, var } for an accepted request (req: the IncomingMessage),
     * else { reason }: "missing", "repeated" or "invalid". */
    check(req) {
      const headers = authorizations(req);
      if (headers.length === 0) return { reason: "missing" };
      if (headers.length > 1) return { reason: "repeated" };
      const slot = pair.verify(bearer(headers[0]));
      return slot === null ? { reason: "invalid" } : { slot, var: variable };
    },
    /** The headers of an accepted request's response. */
    acceptedHeaders(slot) {
      // The client is one rotation behind: tell it, and, only when the app
      // opted in, hand it the latest key (which hands the new key to
      // whoever holds the old one).
      if (slot !== "previous") return {};
      if (!sendLatest) return { "Securekey-Slot": "previous" };
      return { "Securekey-Slot": "previous", "Securekey-Latest": pair.latest.reveal(), "Cache-Control": "no-store" };
    },
    /** The 401 for a refusal: { headers, body }. Echoes nothing presented. */
    refusal(reason) {
      const headers = { "Cache-Control": "no-store" };
      if (!json) {
        headers["WWW-Authenticate"] = REALM;
        headers["Content-Type"] = "text/plain; charset=utf-8";
        return { headers, body: REFUSED };
      }
      const code = ERROR_CODES[reason];
      headers["WWW-Authenticate"] = code === null ? REALM : `${REALM}, error="${code}"`;
      headers["Content-Type"] = "application/json; charset=utf-8";
      return { headers, body: `${JSON.stringify({ error: code ?? "unauthorized", error_description: HOW })}\n` };
    },
    /** Tells the app's onRefused hook (after the 401 is sent). */
    refused(req, reason) {
      if (onRefused) onRefused(req, { reason, var: variable });
    },
  };
}

// Runs the guard on a node:http request; true (and req.securekey set) if
// it may go on, else the 401 has been sent.
function authenticate(g, req, res, url) {
  if (g.isPublic(url)) return true;
  const result = g.check(req);
  if (result.reason === undefined) {
    for (const [name, value] of Object.entries(g.acceptedHeaders(result.slot))) res.setHeader(name, value);
    req.securekey = { slot: result.slot, var: result.var };
    return true;
  }
  const { headers, body } = g.refusal(result.reason);
  res.statusCode = 401;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
  g.refused(req, result.reason);
  return false;
}

/** Express/Connect middleware: `app.use(expressMiddleware({ var }))`. */
function expressMiddleware(options = {}) {
  const g = guard(options);
  return function securekey(req, res, next) {
    // originalUrl: the path as requested, even under app.use("/api", …).
    if (authenticate(g, req, res, req.originalUrl ?? req.url)) next();
  };
}

/** A node:http request listener that runs listener only for requests
 * that present a valid key: `http.createServer(httpMiddleware(listener))`. */
function httpMiddleware(listener, options = {}) {
  if (typeof listener !== "function") throw new TypeError("httpMiddleware(listener, options): listener must be a function");
  const g = guard(options);
  return function securekey(req, res) {
    if (authenticate(g, req, res, req.url)) return listener(req, res);
    return undefined;
  };
}

/** What expressMiddleware, httpMiddleware or the Fastify plugin set on an
 * accepted request; throws (naming the fix) when none of them ran, so a
 * route that forgot the middleware fails loudly instead of passing. */
function securekeyOf(req) {
  const match = req?.securekey;
  if (match === undefined || match === null) {
    throw new Error("securekey: this request did not pass securekey's middleware (a public path, or a route outside it)");
  }
  return match;
}

module.exports = { expressMiddleware, guard, httpMiddleware, securekeyOf };
