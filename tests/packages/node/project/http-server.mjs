// A node:http server behind securekey's httpMiddleware, imported as ESM
// from the installed package. Settings from the env: SECUREKEY_FILE,
// SERVER_VAR (the var option), SEND_LATEST=1. Prints its port on stdout
// once listening on 127.0.0.1; answers "<slot> <var> <method> [<body>]".
import http from "node:http";
import { httpMiddleware } from "securekey";

const options = { sendLatest: process.env.SEND_LATEST === "1" };
if (process.env.SERVER_VAR) options.var = process.env.SERVER_VAR;

const server = http.createServer(
  httpMiddleware((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("Content-Type", "text/plain");
      const words = [req.securekey.slot, req.securekey.var, req.method, Buffer.concat(chunks).toString()];
      res.end(`${words.filter(Boolean).join(" ")}\n`);
    });
  }, options),
);
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
