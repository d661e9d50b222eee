// The ESM face of securekey: the same objects as require("securekey").
import securekey from "./index.js";

export const {
  CAP,
  Key,
  KeyFile,
  KeyFileError,
  KeyPair,
  createFetch,
  defaultPath,
  expressMiddleware,
  httpMiddleware,
  keyId,
  load,
  loadPair,
  parse,
  securekeyOf,
} = securekey;
export default securekey;
