// The graceful-rotation protocol on the client side, on the global fetch:
// present the latest key; on a 401, retry once with the previous one (the
// server's dynos may not have restarted since the rotation). No key is
// ever logged; the caller gets the final response. Like the Python and
// Ruby clients, it warns when the server accepted our key only as its
// previous one, and reads the server's Securekey-Latest (opt-in on the
// server) only to name the newer key by its id.
"use strict";

const { isCanonical, keyId } = require("./keys.js");
const { defaultPath, load, shown } = require("./key-file.js");

// Warnings go to console.warn; info lines (the retry) are dropped unless
// the app gives a logger with an info method (console, pino, winston).
const DEFAULT_LOGGER = { warn: (message) => console.warn(message) };

function checkLogger(logger) {
  if (logger === null) return null;
  if (logger === undefined) return DEFAULT_LOGGER;
  if (typeof logger !== "object" || typeof logger.warn !== "function") {
    throw new TypeError("createFetch: logger must have a warn(message) method (e.g. console), or be null for silence");
  }
  return logger;
}

// The host (and port) of a URL: never its userinfo or query, which may
// hold secrets of their own.
function hostOf(url) {
  try {
    return new URL(url).host || "the server";
  } catch {
    return "the server";
  }
}

/** A fetch(input, init) that presents the var's key, read once now. A
 * request body must be one fetch can send twice (a string, a Buffer,
 * URLSearchParams, FormData, a Blob), since the retry resends it. */
function createFetch(options = {}) {
  let pair = options.pair;
  let label = "the";
  if (pair === undefined) {
    const keyFile = options.keyFile ?? load(options.file ?? defaultPath());
    const variable = keyFile.chooseVar(options.var);
    pair = keyFile.pair(variable);
    label = shown(variable);
  }
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== "function") throw new TypeError("createFetch: no global fetch (Node 18+), and no fetch option");
  const logger = checkLogger(options.logger);
  const info = (message) => logger?.info?.(`securekey: ${message}`);
  const warn = (message) => logger?.warn(`securekey: ${message}`);
  const keys = pair.keysToPresent();

  // What an accepted response says about the server's keys.
  function report(host, response, key) {
    if (response.headers.get("securekey-slot")?.toLowerCase() !== "previous") return;
    // The server has rotated and we have not: our key is its previous.
    // Securekey-Latest, when the server sends it, is named by its id only,
    // and never adopted: this app gets the new pair at its next boot.
    const latest = response.headers.get("securekey-latest");
    let newer = "";
    if (latest !== null) {
      newer = isCanonical(latest)
        ? `; its latest key is ${keyId(latest)} (Securekey-Latest)`
        : "; it sent a Securekey-Latest that is not a key (not shown)";
    }
    warn(
      `${host} accepted ${label} key ${key.id} as its previous key: this app's keys are one rotation behind` +
        `${newer} (a restart picks up the new pair)`,
    );
  }

  return async function fetchWithKey(input, init) {
    const request = new Request(input, init);
    const host = hostOf(request.url);
    for (let i = 0; ; i += 1) {
      const last = i + 1 === keys.length;
      const attempt = last ? request : request.clone();
      attempt.headers.set("Authorization", `Bearer ${keys[i].reveal()}`);
      const response = await send(attempt);
      if (response.status === 401 && !last) {
        info(`${host} refused ${label} key ${keys[i].id}; retrying with the previous key ${keys[i + 1].id}`);
        // Free the connection before the retry.
        await response.body?.cancel();
        continue;
      }
      if (response.status === 401 && i > 0) warn(`${host} refused both ${label} keys`);
      else if (response.status !== 401) report(host, response, keys[i]);
      return response;
    }
  };
}

module.exports = { createFetch };
