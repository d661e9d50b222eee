// Type-checked by tsc --noEmit against the installed package's types
// (the CommonJS face).
import securekey = require("securekey");

const pair: securekey.KeyPair = securekey.loadPair();
const slot: securekey.Slot | null = pair.verify(Buffer.from("presented"));
// @ts-expect-error: keysToPresent gives Keys, not strings
const keys: string[] = pair.keysToPresent();
export = { slot, keys };
