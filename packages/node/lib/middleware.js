// The graceful-rotation protocol on the server side: the client presents
// a key in `Authorization: Bearer <KEY>`; the latest or the previous key of
// the pair is accepted (constant time), anything else gets a 401 that never
// echoes what was presented. For Express/Connect (req, res, next) and for a
// plain node:http request listener.
"use strict";

const { defaultPath, load } = require("./key-file.js");

const CHALLENGE = 'Bearer realm="securekey"';
const REFUSED = "401 Unauthorized: present a valid key as Authorization: Bearer <key>\n";

// The key in an `Authorization: Bearer <KEY>` header, or null. The scheme
// is case-insensitive (RFC 7235); the key must be exact.
function bearer(header) {
  if (typeof header !== "string") return null;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer") return null;
  return header.slice(space + 1).trimStart();
}

function refuse(res) {
  res.statusCode = 401;
  res.setHeader("WWW-Authenticate", CHALLENGE);
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(REFUSED);
}

// The check a middleware runs on each request, built once: the key file
// is read when the middleware is made (Heroku restarts every dyno when
// config vars change, and the boot script rewrites the file).
function authenticator(options = {}) {
  const keyFile = options.keyFile ?? load(options.file ?? defaultPath());
  const variable = keyFile.chooseVar(options.var);
  const pair = keyFile.pair(variable);
  const sendLatest = options.sendLatest === true;
  // True (and req.securekey set) if the request may go on; else the 401
  // has been sent.
  return function authenticate(req, res) {
    const slot = pair.verify(bearer(req.headers.authorization));
    if (slot === null) {
      refuse(res);
      return false;
    }
    if (slot === "previous") {
      // The client is one rotation behind: tell it, and, only when the app
      // opted in, hand it the latest key (which hands the new key to
      // whoever holds the old one).
      res.setHeader("Securekey-Slot", "previous");
      if (sendLatest) {
        res.setHeader("Securekey-Latest", pair.latest.reveal());
        res.setHeader("Cache-Control", "no-store");
      }
    }
    req.securekey = { slot, var: variable };
    return true;
  };
}

/** Express/Connect middleware: `app.use(expressMiddleware({ var }))`. */
function expressMiddleware(options = {}) {
  const authenticate = authenticator(options);
  return function securekey(req, res, next) {
    if (authenticate(req, res)) next();
  };
}

/** A node:http request listener that runs listener only for requests
 * that present a valid key: `http.createServer(httpMiddleware(listener))`. */
function httpMiddleware(listener, options = {}) {
  if (typeof listener !== "function") throw new TypeError("httpMiddleware(listener, options): listener must be a function");
  const authenticate = authenticator(options);
  return function securekey(req, res) {
    if (authenticate(req, res)) return listener(req, res);
    return undefined;
  };
}

module.exports = { expressMiddleware, httpMiddleware };
