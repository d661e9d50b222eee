#!/usr/bin/env python3
"""Checks every answer the Platform API stand-in gives against the API's
published schema, so the stand-in cannot drift from the real API.

Usage: validate.py SCHEMA_JSON [WORLD_JSON]

For each path the world answers (and a small generated world, the
benchmark's), the body the stand-in would serve is validated against the
`targetSchema` of the schema's GET link whose `href` matches the path.
Heroku's `strictProperties: true` (every property present, no others) is
enforced as `required` + `additionalProperties: false`. Prints `ok - …` /
`not ok - …` lines and a closing count; exits 1 on any failure.
"""

import copy
import json
import os
import re
import sys

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin  # noqa: E402


def strict(node):
    if isinstance(node, dict):
        if node.get("strictProperties") is True and "properties" in node:
            node["required"] = sorted(node["properties"])
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)
    return node


def links(schema):
    out = []
    for name, definition in schema["definitions"].items():
        for link in definition.get("links", []):
            if link.get("method") != "GET" or "targetSchema" not in link:
                continue
            pattern = re.sub(r"\{[^}]*\}", "[^/]+", link["href"])
            out.append((re.compile("^" + pattern + "$"), name, link))
    return out


def main():
    schema_path = sys.argv[1]
    world_path = sys.argv[2] if len(sys.argv) > 2 else standin.DEFAULT_WORLD
    with open(schema_path, encoding="utf-8") as f:
        schema = strict(json.load(f))
    routes = links(schema)
    with open(world_path, encoding="utf-8") as f:
        worlds = [("fixtures", standin.World(json.load(f))), ("generated", standin.World(standin.generate(3)))]
    passed = failed = 0
    for label, world in worlds:
        for path in world.paths():
            status, body = world.get(path)
            if status != 200:
                # 403s of the forbidden app and add-on: an error body.
                ok = status in (403, 404) and set(body) >= {"id", "message"}
                what = f"{label} {path}: {status} {body.get('id')}"
            else:
                matches = [(n, l) for rx, n, l in routes if rx.match(path)]
                # /apps/{app}/releases/{v} is both release Info and an
                # app's addon by name; the definition named for the path wins.
                matches.sort(key=lambda m: 0 if m[0] in path else 1)
                if not matches:
                    ok, what = False, f"{label} {path}: no GET link in the schema matches"
                else:
                    name, link = matches[0]
                    target = copy.deepcopy(link["targetSchema"])
                    target["definitions"] = schema["definitions"]
                    errors = sorted(jsonschema.Draft4Validator(target).iter_errors(body), key=str)
                    ok = not errors
                    what = f"{label} GET {path} is {name} {link.get('title')}"
                    if errors:
                        what += ": " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:3])
            if ok:
                passed += 1
                print(f"ok - {what}")
            else:
                failed += 1
                print(f"not ok - {what}")
    # The hostile modes' answers: lists and configs on the schema (what a
    # broken server sends is shaped like the API's), errors with id and
    # message; the non-string values are off the schema by design, and
    # checked to be so (the client must refuse what the schema forbids).
    world = worlds[0][1]
    for mode, path, status, body, on_schema in standin.hostile_samples(world):
        if status >= 300:
            ok = set(body) >= {"id", "message"}
            what = f"hostile {mode} {path}: {status} {body.get('id')}"
        else:
            matches = [(n, l) for rx, n, l in routes if rx.match(path)]
            name, link = matches[0]
            target = copy.deepcopy(link["targetSchema"])
            target["definitions"] = schema["definitions"]
            if mode == "endless-pages":
                target = {"type": "array", "items": target["items"] if "items" in target else target,
                          "definitions": schema["definitions"]}
            valid = not list(jsonschema.Draft4Validator(target).iter_errors(body))
            ok = valid == on_schema
            what = f"hostile {mode} GET {path} ({status}) is {'' if on_schema else 'not '}{name} {link.get('title')}"
        if ok:
            passed += 1
            print(f"ok - {what}")
        else:
            failed += 1
            print(f"not ok - {what}")
    print(f"platform-api schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
