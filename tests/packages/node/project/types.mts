// Type-checked by tsc --noEmit against the installed package's types
// (the ESM face). Every @ts-expect-error must be an error, so the types
// are not `any`.
import http from "node:http";
import express from "express";
import securekey, {
  CAP,
  Key,
  KeyFileError,
  KeyPair,
  createFetch,
  expressMiddleware,
  httpMiddleware,
  keyId,
  load,
  loadPair,
  parse,
  type Slot,
} from "securekey";

const pair: KeyPair = loadPair("SECURE_KEY");
const slot: Slot | null = pair.verify("presented");
const ids: string[] = pair.keysToPresent().map((key: Key) => key.id);
const secrets: string[] = pair.keysToPresent().map((key) => key.reveal());
const previousId: string | null = pair.previousId;
const vars: string[] = load().vars;
const chosen: string = parse("{}").chooseVar();
const cap: number = CAP;
const id: string = keyId("A");
const same: typeof loadPair = securekey.loadPair;
// @ts-expect-error: a Key is not its text (reveal() is)
const text: string = pair.latest;
// @ts-expect-error: verify answers a Slot or null
const wrong: boolean = pair.verify("presented");

const app = express();
app.use(expressMiddleware({ var: "SECURE_KEY", sendLatest: true }));
app.get("/", (req, res) => {
  const matched: Slot | undefined = req.securekey?.slot;
  res.send(`${matched} ${req.securekey?.var}`);
});
// @ts-expect-error: sendLatest is a boolean
expressMiddleware({ sendLatest: "yes" });

http.createServer(
  httpMiddleware((req, res) => {
    const matched: Slot = req.securekey.slot;
    res.end(matched);
  }),
);

const fetchWithKey = createFetch({ var: "SECURE_KEY" });
export async function call(): Promise<number> {
  const response: Response = await fetchWithKey("http://127.0.0.1:1/", { method: "POST", body: "x" });
  return response.status;
}

try {
  load("/nowhere");
} catch (error) {
  if (error instanceof KeyFileError) console.log(error.message);
}
export { slot, ids, secrets, previousId, vars, chosen, cap, id, same, text, wrong };
