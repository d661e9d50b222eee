// Types of securekey/fastify (the CommonJS face; fastify.d.mts re-exports
// them for `import`). Importing it types request.securekey.
import type { FastifyPluginCallback, FastifyRequest } from "fastify";
import type { MiddlewareOptions, SecurekeyMatch } from "./index.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by securekey's Fastify plugin on accepted requests; null on a
     * public path (or before the plugin's hook). */
    securekey: SecurekeyMatch | null;
  }
}

/** The plugin's options: those of the middleware, its onRefused hook
 * called with the FastifyRequest. */
export type FastifyOptions = MiddlewareOptions<FastifyRequest>;

/** `app.register(securekeyFastify, { var, publicPaths: ["/health"] })`. */
export declare const securekeyFastify: FastifyPluginCallback<FastifyOptions>;
