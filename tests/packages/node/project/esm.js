// `import` of the installed package from a .js file of an ESM project
// ("type": "module"): named and default exports, the same objects as
// require() gives.
import { createRequire } from "node:module";
import securekey, { KeyPair, loadPair, expressMiddleware, httpMiddleware, createFetch, keyId } from "securekey";

const required = createRequire(import.meta.url)("securekey");
const checks = {
  "named exports": [KeyPair, loadPair, expressMiddleware, httpMiddleware, createFetch, keyId].every(
    (f) => typeof f === "function",
  ),
  "default export is the module": securekey.loadPair === loadPair,
  "import and require give the same objects": required.KeyPair === KeyPair && required.loadPair === loadPair,
  "the import resolved to index.mjs": import.meta.resolve("securekey").endsWith("/node_modules/securekey/index.mjs"),
};
const pair = loadPair("SECURE_KEY");
checks["loadPair reads the key file"] = pair instanceof required.KeyPair && pair.verify(process.argv[2]) === "latest";
for (const [name, passed] of Object.entries(checks)) console.log(`${passed ? "ok" : "FAIL"} ${name}`);
