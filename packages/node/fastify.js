// securekey/fastify: the Fastify plugin (CommonJS face). Its own entry
// point, so that the main one's types never need fastify's.
"use strict";

module.exports = require("./lib/fastify.js");
