// A node:http server behind securekey's httpMiddleware, imported as ESM
// from the installed package. SECUREKEY_FILE and the options from the env
// (options.cjs). Prints its port on stdout once listening on 127.0.0.1;
// answers "<slot> <var> <method> [<body>]", or "public <method>".
import http from "node:http";
import { httpMiddleware } from "securekey";
import serverOptions from "./options.cjs";

const server = http.createServer(
  httpMiddleware((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("Content-Type", "text/plain");
      const match = req.securekey ?? { slot: "public" };
      const words = [match.slot, match.var, req.method, Buffer.concat(chunks).toString()];
      res.end(`${words.filter(Boolean).join(" ")}\n`);
    });
  }, serverOptions()),
);
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
