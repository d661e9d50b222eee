// Every way a key object can be printed, for the test to search for key
// material (it must find the ids and no 8 chars of a key).
"use strict";

const util = require("node:util");
const securekey = require("securekey");

const keyFile = securekey.load();
const pair = keyFile.pair("SECURE_KEY");
const things = { key: pair.latest, pair, keyFile, previous: pair.previous };
for (const [name, thing] of Object.entries(things)) {
  console.log(`${name} String: ${String(thing)}`);
  console.log(`${name} template: ${thing}`);
  console.log(`${name} inspect: ${util.inspect(thing)}`);
  console.log(`${name} inspect, showHidden: ${util.inspect(thing, { showHidden: true, depth: 9 })}`);
  console.log(`${name} inspect, no custom: ${util.inspect(thing, { customInspect: false, showHidden: true, depth: 9 })}`);
  console.log(`${name} JSON: ${JSON.stringify(thing)}`);
  console.log(`${name} format %o: ${util.format("%o", thing)}`);
  console.log(`${name} format %j: ${util.format("%j", thing)}`);
  console.log(`${name} keys: ${Object.keys(thing).join(",")}`);
  console.log(`${name} structuredClone: ${util.inspect(structuredClone(thing), { customInspect: false })}`);
  console.log(name, thing);
  console.log({ [name]: thing });
}
