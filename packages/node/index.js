// securekey: the keys of a Heroku SecureKey add-on, read from the key file
// securekey writes at every dyno boot, with the graceful-rotation protocol
// for servers (Express, node:http; Fastify from securekey/fastify) and
// clients (fetch).
"use strict";

const { Key, KeyFileError, KeyPair, keyId } = require("./lib/keys.js");
const { CAP, KeyFile, defaultPath, load, loadPair, parse } = require("./lib/key-file.js");
const { expressMiddleware, httpMiddleware, securekeyOf } = require("./lib/middleware.js");
const { createFetch } = require("./lib/client.js");

module.exports = {
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
};
