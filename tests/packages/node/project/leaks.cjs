// Every key type, and every error the package throws near a key, in every
// form it may be printed or copied, against a naive oracle: no 8
// consecutive chars of a key (case-folded) in any form. node leaks.cjs
// OUT_DIR KEY…: prints an ok/FAIL line per type and form, and writes each
// form's bytes to OUT_DIR (searched again by test.sh's oracle).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");
const v8 = require("node:v8");
const { Console } = require("node:console");
const { Writable } = require("node:stream");
const securekey = require("securekey");

const [out, ...secrets] = process.argv.slice(2);
const windows = new Set();
for (const key of secrets) for (let i = 0; i + 8 <= key.length; i += 1) windows.add(key.slice(i, i + 8).toLowerCase());
const leaks = (text) => {
  const folded = text.toLowerCase();
  return [...windows].some((w) => folded.includes(w));
};

// console.log as an app calls it, into a string.
function logged(thing) {
  let text = "";
  const sink = new Writable({ write: (chunk, _enc, done) => { text += chunk; done(); } });
  new Console({ stdout: sink, stderr: sink }).log(thing);
  return text;
}
const latin1 = (buffer) => buffer.toString("latin1");
const tryForm = (render) => {
  try {
    return render();
  } catch (error) {
    return `refused: ${error.message}`;
  }
};

const forms = {
  String: (x) => String(x),
  template: (x) => `${x}`,
  "JSON.stringify": (x) => JSON.stringify(x),
  "util.inspect": (x) => util.inspect(x),
  "util.inspect showHidden": (x) => util.inspect(x, { showHidden: true, depth: 9, getters: true }),
  "util.inspect customInspect false": (x) => util.inspect(x, { customInspect: false, showHidden: true, depth: 9 }),
  "console.log": logged,
  "util.format %s %o %O %j": (x) => util.format("%s %o %O %j", x, x, x, x),
  "v8.serialize": (x) => latin1(v8.serialize(x)),
  structuredClone: (x) => util.inspect(structuredClone(x), { customInspect: false, showHidden: true, depth: 9 }),
  "structuredClone, v8.serialize": (x) => latin1(v8.serialize(structuredClone(x))),
  "spread and own properties": (x) =>
    util.inspect([{ ...x }, Object.getOwnPropertyNames(x).map((n) => x[n])], { customInspect: false, depth: 9 }),
};
// Forms where a key type must show its ids (the others may drop them).
const named = new Set(["String", "template", "JSON.stringify", "util.inspect", "console.log"]);

const keyFile = securekey.load();
const pair = keyFile.pair("SECURE_KEY");
const types = {
  Key: [pair.latest, [pair.latestId]],
  "Key (previous)": [pair.previous, [pair.previousId]],
  KeyPair: [pair, [pair.latestId, pair.previousId]],
  "KeyPair (NEW, no previous)": [new securekey.KeyPair(pair.latest.reveal()), [pair.latestId]],
  KeyFile: [keyFile, [pair.latestId, pair.previousId]],
};

// The errors thrown with a key at hand: in the input, the var or the path.
const [a, b] = [pair.latest.reveal(), pair.previous.reveal()];
const id = securekey.keyId;
const entry = (latest, latestId) =>
  `{"keys":{"SECURE_KEY":{"latest":"${latest}","latest_id":"${latestId}","previous":"${b}","previous_id":"${id(b)}"}},"version":1}`;
const throwers = {
  "KeyFileError, a tampered key (id mismatch)": () => securekey.parse(entry(a, id(b))),
  "KeyFileError, a lowercase key": () => securekey.parse(entry(a.toLowerCase(), id(a))),
  "KeyFileError, not JSON around a key": () => securekey.parse(`{"keys": ${a}`),
  "KeyFileError, a key as the var": () => keyFile.pair(a),
  "KeyFileError, a key in the path": () => securekey.load(`/nowhere/${a}/keys.json`),
  "KeyFileError, createFetch with a key as the var": () => securekey.createFetch({ keyFile, var: a }),
  "TypeError, new Key of a lowercase key": () => new securekey.Key(a.toLowerCase()),
  "TypeError, new KeyPair of a key with a space": () => new securekey.KeyPair(`${a} `),
  "TypeError, publicPaths given a key": () => securekey.expressMiddleware({ keyFile, publicPaths: a }),
};
const errors = {};
for (const [name, thrower] of Object.entries(throwers)) {
  try {
    thrower();
    console.log(`FAIL ${name}: nothing was thrown`);
  } catch (error) {
    errors[name] = error;
  }
}
const errorForms = {
  ...forms,
  message: (e) => e.message,
  stack: (e) => e.stack,
  "every own property, and the cause": (e) =>
    JSON.stringify([e, e.cause], Object.getOwnPropertyNames(e).concat(Object.getOwnPropertyNames(e.cause ?? {}))),
};

fs.mkdirSync(out, { recursive: true });
let n = 0;
function probe(type, thing, ids, formsOf) {
  for (const [form, render] of Object.entries(formsOf)) {
    const text = String(tryForm(() => render(thing)));
    n += 1;
    fs.writeFileSync(path.join(out, `${n}.out`), text, "latin1");
    const missing = ids !== null && named.has(form) ? ids.filter((i) => !text.includes(i)) : [];
    if (leaks(text)) console.log(`FAIL ${type} × ${form}: key material`);
    else if (missing.length > 0) console.log(`FAIL ${type} × ${form}: the id ${missing[0]} is not shown`);
    else console.log(`ok ${type} × ${form}`);
  }
}
for (const [type, [thing, ids]] of Object.entries(types)) probe(type, thing, ids, forms);
for (const [type, error] of Object.entries(errors)) probe(type, error, null, errorForms);
