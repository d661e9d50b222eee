// The middleware options of the test servers, from the env: SERVER_VAR
// (var), SEND_LATEST=1, PUBLIC_PATHS (comma-separated), JSON_401=1; each
// refusal is logged to stderr by onRefused as "refused <reason> <var>".
"use strict";

module.exports = function serverOptions() {
  const options = {
    sendLatest: process.env.SEND_LATEST === "1",
    json: process.env.JSON_401 === "1",
    onRefused: (req, { reason, var: name }) => console.error(`refused ${reason} ${name} ${req.method}`),
  };
  if (process.env.SERVER_VAR) options.var = process.env.SERVER_VAR;
  if (process.env.PUBLIC_PATHS) options.publicPaths = process.env.PUBLIC_PATHS.split(",");
  return options;
};
