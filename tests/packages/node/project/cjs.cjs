// require() of the installed package from a CommonJS file.
"use strict";

const securekey = require("securekey");

const checks = {
  "the require resolved to index.js": require.resolve("securekey").endsWith("/node_modules/securekey/index.js"),
  "loadPair reads the key file": securekey.loadPair("SECURE_KEY").verify(process.argv[2]) === "previous",
  "client order is latest, previous": securekey
    .loadPair("SECURE_KEY")
    .keysToPresent()
    .map((key) => key.id)
    .join(" ") === process.argv[3],
  "the package.json is exported": require("securekey/package.json").version === "0.1.0",
};
for (const [name, passed] of Object.entries(checks)) console.log(`${passed ? "ok" : "FAIL"} ${name}`);
