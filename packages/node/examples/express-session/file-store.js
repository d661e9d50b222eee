// A session store that keeps each session as a JSON file in a folder: just
// enough for the example to outlive a restart. A rotation restarts every
// dyno, so sessions must live outside the process (a real app uses Redis or
// Postgres, e.g. connect-redis or connect-pg-simple), or every user would be
// signed out at each rotation whatever the secrets.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const session = require("express-session");

// express-session's ids are uid-safe: URL-safe base64.
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

class FileStore extends session.Store {
  constructor(folder) {
    super();
    this.folder = folder;
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  }

  file(sid) {
    if (!SESSION_ID.test(sid)) throw new Error("not a session id");
    return path.join(this.folder, `${sid}.json`);
  }

  get(sid, callback) {
    fs.readFile(this.file(sid), "utf8", (error, text) => {
      if (error) return callback(error.code === "ENOENT" ? null : error, null);
      try {
        return callback(null, JSON.parse(text));
      } catch (parseError) {
        return callback(parseError, null);
      }
    });
  }

  set(sid, data, callback) {
    fs.writeFile(this.file(sid), JSON.stringify(data), { mode: 0o600 }, (error) => callback?.(error ?? null));
  }

  destroy(sid, callback) {
    fs.rm(this.file(sid), { force: true }, (error) => callback?.(error ?? null));
  }
}

module.exports = { FileStore };
