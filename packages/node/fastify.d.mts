// Types of securekey/fastify's ESM face (fastify.mjs): the same names as
// fastify.d.ts, with its request.securekey augmentation.
export * from "./fastify.js";
