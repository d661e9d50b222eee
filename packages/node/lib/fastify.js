// The graceful-rotation protocol as a Fastify plugin: the same guard as
// the Express and node:http middleware (lib/middleware.js), run in an
// onRequest hook, so a refused request never reaches body parsing or a
// route. Made without the fastify-plugin package (no runtime
// dependencies) but marked as it marks plugins: its hook applies to the
// whole app, not an encapsulated child context.
"use strict";

const { guard } = require("./middleware.js");

/** `app.register(securekeyFastify, { var, publicPaths: ["/health"] })`.
 * Reads the key file once, when registered (a failure stops `ready()` and
 * `listen()`). */
function securekeyFastify(fastify, options, done) {
  let g;
  try {
    g = guard(options);
  } catch (error) {
    done(error);
    return;
  }
  fastify.decorateRequest("securekey", null);
  fastify.addHook("onRequest", function securekey(request, reply, next) {
    if (g.isPublic(request.url)) {
      next();
      return;
    }
    const result = g.check(request.raw);
    if (result.reason === undefined) {
      reply.headers(g.acceptedHeaders(result.slot));
      request.securekey = { slot: result.slot, var: result.var };
      next();
      return;
    }
    const { headers, body } = g.refusal(result.reason);
    // A hook that answers does not call next (Fastify's hooks docs).
    reply.code(401).headers(headers).send(body);
    g.refused(request, result.reason);
  });
  done();
}

// What fastify-plugin sets: skip-override shares the hook and decorator
// with the app that registers the plugin.
securekeyFastify[Symbol.for("skip-override")] = true;
securekeyFastify[Symbol.for("fastify.display-name")] = "securekey";
securekeyFastify[Symbol.for("plugin-meta")] = { name: "securekey", fastify: ">=4" };

module.exports = { securekeyFastify };
