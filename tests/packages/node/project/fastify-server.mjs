// A Fastify server (fastify from npm) with securekey's plugin, imported as
// ESM from the installed package. Options from the env (options.cjs), as
// the other servers; answers "<slot> <var> <method> [<body>]", or
// "public <method>".
import Fastify from "fastify";
import { securekeyFastify } from "securekey/fastify";
import serverOptions from "./options.cjs";

const app = Fastify();
app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => done(null, body));
await app.register(securekeyFastify, serverOptions());
app.all("/*", async (request, reply) => {
  const match = request.securekey ?? { slot: "public", var: "" };
  const words = [match.slot, match.var, request.method, typeof request.body === "string" ? request.body : ""];
  reply.type("text/plain");
  return `${words.filter(Boolean).join(" ")}\n`;
});
await app.listen({ port: 0, host: "127.0.0.1" });
console.log(app.server.address().port);
