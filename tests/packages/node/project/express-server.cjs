// An Express server behind securekey's expressMiddleware, required as
// CommonJS from the installed package. Settings from the env as in
// http-server.mjs; answers "<slot> <var> <method> [<body>]".
"use strict";

const express = require("express");
const { expressMiddleware } = require("securekey");

const options = { sendLatest: process.env.SEND_LATEST === "1" };
if (process.env.SERVER_VAR) options.var = process.env.SERVER_VAR;

const app = express();
app.use(expressMiddleware(options));
app.use(express.text({ type: "*/*" }));
app.all("/{*any}", (req, res) => {
  const words = [req.securekey.slot, req.securekey.var, req.method, typeof req.body === "string" ? req.body : ""];
  res.type("text").send(`${words.filter(Boolean).join(" ")}\n`);
});
const server = app.listen(0, "127.0.0.1", () => console.log(server.address().port));
