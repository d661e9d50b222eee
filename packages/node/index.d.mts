// Types of securekey's ESM face (index.mjs): the same names as index.d.ts,
// and the whole module as the default export.
import * as securekey from "./index.js";

export * from "./index.js";
export default securekey;
