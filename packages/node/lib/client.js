// The graceful-rotation protocol on the client side, on the global fetch:
// present the latest key; on a 401, retry once with the previous one (the
// server's dynos may not have restarted since the rotation). No key is
// ever logged; the caller gets the final response.
"use strict";

const { defaultPath, load } = require("./key-file.js");

/** A fetch(input, init) that presents the var's key, read once now. A
 * request body must be one fetch can send twice (a string, a Buffer,
 * URLSearchParams, FormData, a Blob), since the retry resends it. */
function createFetch(options = {}) {
  const pair = options.pair ?? (options.keyFile ?? load(options.file ?? defaultPath())).pair(options.var);
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== "function") throw new TypeError("createFetch: no global fetch (Node 18+), and no fetch option");
  const keys = pair.keysToPresent();
  return async function fetchWithKey(input, init) {
    const request = new Request(input, init);
    for (let i = 0; ; i += 1) {
      const last = i + 1 === keys.length;
      const attempt = last ? request : request.clone();
      attempt.headers.set("Authorization", `Bearer ${keys[i].reveal()}`);
      const response = await send(attempt);
      if (response.status !== 401 || last) return response;
      // Free the connection before the retry.
      await response.body?.cancel();
    }
  };
}

module.exports = { createFetch };
