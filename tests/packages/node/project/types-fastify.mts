// Type-checked by tsc --noEmit: securekey/fastify's plugin and its
// request.securekey augmentation, against fastify's own types.
import Fastify, { type FastifyRequest } from "fastify";
import type { Slot } from "securekey";
import { securekeyFastify } from "securekey/fastify";

const app = Fastify();
await app.register(securekeyFastify, {
  var: "SECURE_KEY",
  publicPaths: ["/health"],
  json: true,
  onRefused: (request: FastifyRequest, { reason }) => request.log.warn(`refused: ${reason}`),
});
app.get("/", async (request) => {
  const slot: Slot | undefined = request.securekey?.slot;
  // @ts-expect-error: null on a public path, so strict wants a check
  const unchecked: Slot = request.securekey.slot;
  return `${slot} ${unchecked}`;
});
// @ts-expect-error: publicPaths is a list of paths
await app.register(securekeyFastify, { publicPaths: "/health" });
