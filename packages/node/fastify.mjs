// securekey/fastify: the Fastify plugin (ESM face), the same object as
// require("securekey/fastify").
import plugin from "./fastify.js";

export const { securekeyFastify } = plugin;
