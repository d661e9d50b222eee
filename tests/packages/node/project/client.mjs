// The package's client helper against a server: node client.mjs URL
// [BODY]. The key file is the client's own (SECUREKEY_FILE). Prints the
// final status, how many requests were sent, the Securekey-Slot header and
// the body (the test servers echo the slot, never a key). LOGGER=lines:
// a logger that writes "info: …"/"warn: …" lines to stderr; LOGGER=null:
// logger null (silence); else the default (console.warn).
import { createFetch } from "securekey";

const loggers = {
  lines: { info: (m) => console.error(`info: ${m}`), warn: (m) => console.error(`warn: ${m}`) },
  null: null,
};

const [url, body] = process.argv.slice(2);
let attempts = 0;
const fetchWithKey = createFetch({
  ...(process.env.LOGGER in loggers ? { logger: loggers[process.env.LOGGER] } : {}),
  fetch: (request) => {
    attempts += 1;
    return fetch(request);
  },
});
const init = body === undefined ? {} : { method: "POST", body };
const response = await fetchWithKey(url, init);
const text = (await response.text()).trim();
const slot = response.headers.get("securekey-slot") ?? "none";
console.log(`status=${response.status} attempts=${attempts} slot-header=${slot} body=${text}`);
