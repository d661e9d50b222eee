// An Express server behind securekey's expressMiddleware, required as
// CommonJS from the installed package. Options from the env (options.cjs);
// answers "<slot> <var> <method> [<body>]", or "public <method>" on a
// public path.
"use strict";

const express = require("express");
const { expressMiddleware } = require("securekey");
const serverOptions = require("./options.cjs");

const app = express();
app.use(expressMiddleware(serverOptions()));
app.use(express.text({ type: "*/*" }));
app.all("/{*any}", (req, res) => {
  const match = req.securekey ?? { slot: "public" };
  const words = [match.slot, match.var, req.method, typeof req.body === "string" ? req.body : ""];
  res.type("text").send(`${words.filter(Boolean).join(" ")}\n`);
});
const server = app.listen(0, "127.0.0.1", () => console.log(server.address().port));
