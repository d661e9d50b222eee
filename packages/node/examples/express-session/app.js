// express-session with the app's SecureKey pair as its secrets: cookies are
// signed with the latest key, and ones signed with the previous key still
// verify, so a rotation (A,B -> C,A) signs nobody out; a cookie signed with
// a key two rotations old (B, after A,B -> C,A) no longer does. rolling:
// every response re-signs the cookie with the latest key, so a user active
// between rotations stays signed in through any number of them.
//
//   SECUREKEY_FILE=… PORT=3000 node app.js
//   POST /login  signs in (sets the session cookie)
//   GET  /me     200 while signed in, else 401
"use strict";

const express = require("express");
const session = require("express-session");
const securekey = require("securekey");
const { FileStore } = require("./file-store.js");

// The key file securekey writes at boot, read once: Heroku restarts every
// dyno when the add-on rotates, and the boot script rewrites the file.
// SESSION_KEY_VAR names the var (default: SECURE_KEY, or the file's only var).
const pair = securekey.loadPair(process.env.SESSION_KEY_VAR);

const app = express();
app.use(
  session({
    // express-session signs with the first secret and verifies with each.
    secret: pair.keysToPresent().map((key) => key.reveal()),
    // Without it, express-session re-sends the cookie only when the session
    // changed: a signed-in user would keep the cookie signed with A, the
    // previous key after A,B -> C,A, refused after C,A -> E,C.
    rolling: true,
    store: new FileStore(process.env.SESSION_DIR ?? ".sessions"),
    resave: false,
    saveUninitialized: false,
    // Behind Heroku's router, set `app.set("trust proxy", 1)` and
    // `secure: true` too.
    cookie: { httpOnly: true, sameSite: "lax" },
  }),
);

app.post("/login", (req, res) => {
  req.session.user = "ada";
  res.type("text").send("signed in\n");
});

app.get("/me", (req, res) => {
  if (req.session.user) res.type("text").send(`signed in as ${req.session.user}\n`);
  else res.status(401).type("text").send("not signed in\n");
});

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "0.0.0.0", () => {
  // The signing key is named by its id only.
  console.log(`listening on port ${server.address().port}, sessions signed with key ${pair.latestId}`);
});
