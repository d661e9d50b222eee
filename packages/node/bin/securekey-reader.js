#!/usr/bin/env node
// securekey-reader: the key file reader's command, as the conformance
// table (tests/conformance/table.tsv in the securekey repository) runs it.
//
//   securekey-reader verify VAR < presented  # latest | previous | refused; exit 0, 0, 1
//   securekey-reader present VAR             # key ids in client order, one a line
//
// Exit 2, with one line on stderr: no usable key file, or no VAR in it.
"use strict";

const { KeyFileError, loadPair } = require("../index.js");

const USAGE = "usage: securekey-reader (verify | present) VAR";
// Longer than any key and its line ending: past this, what was presented
// is refused without reading more.
const LINE_CAP = 4096;

class UsageError extends Error {}

// One line of stdin without its "\n" or "\r\n"; nothing else is stripped.
// null when it is longer than LINE_CAP (no key is).
async function readPresented() {
  const chunks = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    length += chunk.length;
    if (chunk.includes(0x0a) || length > LINE_CAP) break;
  }
  let line = Buffer.concat(chunks);
  const newline = line.indexOf(0x0a);
  if (newline >= 0) {
    line = line.subarray(0, newline);
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
  } else if (line.length > LINE_CAP) {
    return null;
  }
  return line;
}

async function run(argv) {
  if (argv.length !== 2 || !["verify", "present"].includes(argv[0])) throw new UsageError(USAGE);
  const [command, variable] = argv;
  const pair = loadPair(variable);
  if (command === "present") {
    process.stdout.write(pair.keysToPresent().map((key) => `${key.id}\n`).join(""));
    return 0;
  }
  const slot = pair.verify(await readPresented());
  process.stdout.write(`${slot ?? "refused"}\n`);
  return slot === null ? 1 : 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Errors of ours say what is wrong without a key; anything else is
    // named by its kind only, since its message might quote input.
    const known = error instanceof KeyFileError || error instanceof UsageError;
    process.stderr.write(`securekey-reader: ${known ? error.message : `unexpected ${error?.name ?? "error"}`}\n`);
    process.exitCode = 2;
  },
);
