#!/usr/bin/env python3
"""A Heroku Platform API v3 stand-in for the tests, on 127.0.0.1 only.

It serves a world of apps, add-ons and attachments (fixtures/world.json, or
--generate N apps for the benchmark) the way the API does: the objects of
its published schema (tests/platform-api/validate.py checks every answer
against it), lists paged with 206 + Next-Range (Range: "FIELD ..; max=N"),
401 for another token, 403 for what the account cannot see, 404 for an
unknown name, and one 429 (Retry-After, RateLimit-Remaining) on each path
the world names under "rate_limit_once". Its clock is the world's "now"
(the Date header), so the tests never depend on the time of day.

Each request is recorded, one JSON line in --log: method, path, and the
headers a test asserts (Accept, User-Agent, Range), with Authorization
recorded as "Bearer <token>" when it carried the world's token (never the
token itself).

Hostile modes (--mode NAME[:ARG], see HOSTILE below) answer as a broken or
hostile server would: endless 2 MB pages, configs of a million vars, a 206
without Next-Range, error bodies quoting keys, non-string values, a
redirect. It also answers as an HTTP proxy would be asked (an absolute URL,
CONNECT), recording the request, so a test can see where the client tried
to go.

Usage: standin.py [--world FILE | --generate N] [--port-file FILE] [--log FILE]
                  [--no-rate-limit] [--ignore-order] [--tls CERT KEY]
                  [--mode NAME[:ARG]]
The port is ephemeral: written to --port-file (and stdout) once listening.
"""

import argparse
import calendar
import hashlib
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WORLD = os.path.join(HERE, "fixtures", "world.json")

# Ids the world does not name are derived from names, stable across runs.
def uuid_of(text):
    h = hashlib.sha256(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


class World:
    """Every answer the stand-in gives, built from the world's plain data."""

    def __init__(self, data):
        self.data = data
        self.token = data["token"]
        self.page_size = data.get("page_size", 1000)
        self.now = data["now"]
        self.apps = data["apps"]
        self.addons = data["addons"]
        self.attachments = data["attachments"]

    # --- objects as the schema defines them
    def app_ref(self, name):
        return {"id": self.apps[name]["id"], "name": name}

    def addon(self, name):
        a = self.addons[name]
        return {
            "actions": [],
            "addon_service": {"id": uuid_of("service:" + a["service"]), "name": a["service"]},
            "billing_entity": {"id": self.apps[a["owner"]]["id"], "name": a["owner"], "type": "app"},
            "app": self.app_ref(a["owner"]),
            "billed_price": {"cents": 0, "contract": False, "unit": "month"},
            "config_vars": a["config_vars"],
            "created_at": a["created_at"],
            "id": a["id"],
            "name": name,
            "plan": {"id": uuid_of("plan:" + a["plan"]), "name": a["plan"]},
            "provider_id": a["id"][:8],
            "state": "provisioned",
            "updated_at": a["created_at"],
            "web_url": None,
        }

    def attachment(self, at):
        a = self.addons[at["addon"]]
        return {
            "addon": {"id": a["id"], "name": at["addon"], "app": self.app_ref(a["owner"])},
            "app": self.app_ref(at["app"]),
            "created_at": a["created_at"],
            "id": at["id"],
            "name": at["name"],
            "namespace": None,
            "updated_at": a["created_at"],
            "web_url": None,
            "log_input_url": None,
        }

    def release_configs(self, app):
        config = {}
        out = []
        for r in self.apps[app]["releases"]:
            config = dict(config)
            config.update(r.get("set", {}))
            for name in r.get("unset", []):
                config.pop(name, None)
            out.append(config)
        return out

    def release(self, app, version):
        r = self.apps[app]["releases"][version - 1]
        latest = len(self.apps[app]["releases"])
        return {
            "addon_plan_names": [],
            "artifacts": [],
            "app": self.app_ref(app),
            "created_at": r["created_at"],
            "description": r["description"],
            "id": uuid_of(f"release:{app}:{version}"),
            "updated_at": r["created_at"],
            "slug": None,
            "status": "succeeded",
            "user": {"id": uuid_of("user"), "email": "owner@example.com"},
            "version": version,
            "current": version == latest,
            "output_stream_url": None,
            "eligible_for_rollback": version != latest,
        }

    # --- lookups
    def find_addon(self, ident):
        for name, a in self.addons.items():
            if ident in (name, a["id"]):
                return name
        return None

    def find_app(self, ident):
        for name, a in self.apps.items():
            if ident in (name, a["id"]):
                return name
        return None

    # --- routes: (status, body) for a GET of `path`
    def get(self, path):
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[0] == "apps" and len(parts) >= 2:
            app = self.find_app(parts[1])
            if app is None:
                return 404, {"id": "not_found", "message": "Couldn't find that app.", "resource": "app"}
            if self.apps[app].get("forbidden"):
                return 403, {"id": "forbidden", "message": "You do not have access to the app " + app + "."}
            if self.apps[app].get("two_factor"):
                return 403, {"id": "two_factor", "message": "This app requires second factor authentication."}
            rest = parts[2:]
            configs = self.release_configs(app)
            if rest == []:
                return 200, {"id": self.apps[app]["id"], "name": app}
            if rest == ["config-vars"]:
                return 200, configs[-1]
            if rest == ["addon-attachments"]:
                return 200, [self.attachment(a) for a in self.attachments if a["app"] == app]
            if rest == ["releases"]:
                return 200, [self.release(app, v) for v in range(1, len(configs) + 1)]
            if len(rest) >= 2 and rest[0] == "releases" and rest[1].isdigit():
                v = int(rest[1])
                if not 1 <= v <= len(configs):
                    return 404, {"id": "not_found", "message": "Couldn't find that release.", "resource": "release"}
                if rest[2:] == []:
                    return 200, self.release(app, v)
                if rest[2:] == ["config-vars"]:
                    return 200, configs[v - 1]
        if parts[0] == "addons" and len(parts) >= 2:
            name = self.find_addon(parts[1])
            if name is None:
                return 404, {"id": "not_found", "message": "Couldn't find that add-on.", "resource": "add-on"}
            if self.addons[name].get("forbidden"):
                return 403, {"id": "forbidden", "message": "You do not have access to the add-on " + name + "."}
            if parts[2:] == []:
                return 200, self.addon(name)
            if parts[2:] == ["addon-attachments"]:
                return 200, [self.attachment(a) for a in self.attachments if a["addon"] == name]
        return 404, {"id": "not_found", "message": "The requested API endpoint was not found."}

    def paths(self):
        """Every path the world answers, for the schema check."""
        for app in self.apps:
            yield f"/apps/{app}/config-vars"
            yield f"/apps/{app}/addon-attachments"
            yield f"/apps/{app}/releases"
            for v in range(1, len(self.apps[app]["releases"]) + 1):
                yield f"/apps/{app}/releases/{v}"
                yield f"/apps/{app}/releases/{v}/config-vars"
        for name in self.addons:
            yield f"/addons/{name}"
            yield f"/addons/{name}/addon-attachments"


def page(items, range_header, page_size, ignore_order=False):
    """One page of a list by a Range header: (status, items, next_range)."""
    field, start, maximum, order = "id", None, page_size, "asc"
    if range_header:
        m = re.match(r"\s*(\w+)\s*(\]?)([^.;]*)\.\.([^;]*)(?:;(.*))?$", range_header)
        if m:
            field = m.group(1)
            start = (m.group(2), m.group(3).strip()) if m.group(3).strip() else None
            for param in (m.group(5) or "").replace(";", ",").split(","):
                key, _, value = param.strip().partition("=")
                if key == "max" and value.isdigit():
                    maximum = min(int(value), page_size)
                elif key == "order" and value in ("asc", "desc") and not ignore_order:
                    order = value
    items = sorted(items, key=lambda x: x.get(field), reverse=(order == "desc"))
    if start is not None:
        exclusive, value = start
        keyed = [str(x.get(field)) for x in items]
        if value in keyed:
            at = keyed.index(value) + (1 if exclusive else 0)
            items = items[at:]
    chunk = items[:maximum]
    if len(items) > maximum:
        last = chunk[-1].get(field)
        return 206, chunk, f"{field} ]{last}..; max={maximum}, order={order};"
    return 200, chunk, None


def generate(n):
    """A world of n apps for the benchmark: each owns a fortnightly
    SecureKey add-on that rotated every 14 days over 50 releases."""
    apps, addons, attachments = {}, {}, []
    for i in range(n):
        app = f"bench-app-{i:03d}"
        keys = [hashlib.sha256(f"bench-{i}-{j}".encode()).hexdigest().upper() for j in range(6)]
        releases = [{"created_at": "2026-06-01T00:00:00Z", "description": "Initial release",
                     "set": {"HEROKU_APP_NAME": app, "WEB_CONCURRENCY": "2"}}]
        rotation = 0
        for v in range(2, 51):
            day = 1 + v * 3
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch("2026-07-01T00:00:00Z") + day * 86400))
            change = {}
            if v % 10 == 2:
                change["SECURE_KEY"] = f"{keys[rotation + 1]},{keys[rotation]}"
                rotation += 1
            releases.append({"created_at": created, "description": f"Release v{v}", "set": change})
        apps[app] = {"id": uuid_of("app:" + app), "releases": releases}
        addon = f"securekey-bench-{i:03d}"
        addons[addon] = {"id": uuid_of("addon:" + addon), "service": "securekey",
                         "plan": "securekey:fortnightly", "owner": app,
                         "config_vars": ["SECURE_KEY"], "created_at": "2026-07-01T00:00:00Z"}
        attachments.append({"id": uuid_of("att:" + addon), "name": "SECURE", "app": app, "addon": addon})
    return {"now": "2026-12-06T19:00:00Z", "token": "HRKU-AA" + hashlib.sha256(b"bench token").hexdigest(),
            "apps": apps, "addons": addons, "attachments": attachments}


# --- hostile modes: each a function (handler, world, path, arg) that answers
# and returns True, or returns False to let the world answer. Their answers
# are validated too (validate.py, hostile_samples).

_cache = {}


def _cached(key, make):
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def _key_var(config):
    """The name and value of a config's key var (SECURE_KEY first)."""
    names = sorted(n for n in config if n.endswith("_KEY"))
    names.sort(key=lambda n: n != "SECURE_KEY")
    return (names[0], config[names[0]]) if names else (None, None)


def big_page(world, size):
    """A list page of about `size` bytes of schema-valid attachments."""
    def make():
        at = world.attachments[0]
        items, total, i = [], 0, 0
        while total < size:
            item = world.attachment(at)
            item["id"] = uuid_of(f"endless:{i}")
            items.append(item)
            total += len(json.dumps(item)) + 1
            i += 1
        return items
    return _cached(("page", size), make)


def many_vars(n):
    def make():
        body = {f"V{i:x}": "x" for i in range(n)}
        return json.dumps(body, separators=(",", ":")).encode()
    return _cached(("vars", n), make)


def endless_pages(h, world, path, arg):
    """Every attachment list: 206 and a Next-Range, forever, 2 MB a page."""
    if not path.endswith("/addon-attachments"):
        return False
    h.send(206, big_page(world, int(arg or 2_000_000)),
           [("Next-Range", "id ]ffffffff..; max=1000, order=asc;")])
    return True


def huge_config(h, world, path, arg):
    """Every app's config: ARG vars (default 1,100,000), about 14.7 MiB."""
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "apps" or parts[2] != "config-vars":
        return False
    h.send_raw(200, many_vars(int(arg or 1_100_000)))
    return True


def partial_no_next(h, world, path, arg):
    """Every list: 206 (partial), without the Next-Range to the rest."""
    status, body = world.get(path)
    if status != 200 or not isinstance(body, list):
        return False
    h.send(206, body[:1])
    return True


def quoting_error(app, config, quote=None):
    if not quote:
        name, value = _key_var(config)
        quote = f"{name}={value[10:30]}"
    return {"id": "unavailable", "message": f"backend failure while reading {app}: {quote}"}


def attachments_error(h, world, path, arg):
    """An app's attachments: a 503 whose body quotes 20 chars of the key
    var the config read just gave (or ARG, a token's shape)."""
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "apps" or parts[2] != "addon-attachments":
        return False
    app = world.find_app(parts[1])
    h.send(503, quoting_error(app, world.release_configs(app)[-1], arg))
    return True


def release_error(h, world, path, arg):
    """The rotation search's third release config read: a 503 quoting 20
    chars of an older value of the key var, one the search already read."""
    parts = path.strip("/").split("/")
    if len(parts) != 5 or parts[0] != "apps" or parts[2] != "releases" or parts[4] != "config-vars":
        return False
    app = world.find_app(parts[1])
    seen = _cache.setdefault(("seen", app), [])
    configs = world.release_configs(app)
    current = _key_var(configs[-1])
    version = int(parts[3]) if parts[3].isdigit() else 0
    if not 1 <= version <= len(configs):
        return False
    if len(seen) < 2:
        seen.append(configs[version - 1])
        return False
    older = [c for c in seen if _key_var(c)[1] not in (None, current[1])]
    name, value = _key_var(older[0] if older else configs[-1])
    # From its previous key: the part of the older pair the current one
    # does not hold (the add-on's pair shifts: C,A after A,B).
    h.send(503, quoting_error(app, {}, f"{name}=…{value.split(',')[-1][10:30]}"))
    return True


def non_string(h, world, path, arg):
    """Every app's config, with PORT as ARG (JSON: a number, null, an
    object): off the schema (values are strings or null) by design."""
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "apps" or parts[2] != "config-vars":
        return False
    status, body = world.get(path)
    if status != 200:
        return False
    body = dict(body)
    body["PORT"] = json.loads(arg or "5000")
    h.send(200, body)
    return True


def redirect(h, world, path, arg):
    """Every request: 307 to ARG (another server) and the same path."""
    h.send(307, {"id": "moved", "message": "Moved."}, [("Location", arg + path)])
    return True


HOSTILE = {
    "endless-pages": endless_pages,
    "huge-config": huge_config,
    "partial-no-next": partial_no_next,
    "attachments-error": attachments_error,
    "release-error": release_error,
    "non-string": non_string,
    "redirect": redirect,
}


def hostile_samples(world):
    """(mode, path, status, body, on_schema) of each hostile mode's answers,
    small, for validate.py."""
    app = next(iter(world.apps))
    config = world.release_configs(app)[-1]
    yield "endless-pages", f"/apps/{app}/addon-attachments", 206, big_page(world, 4000), True
    yield "huge-config", f"/apps/{app}/config-vars", 200, json.loads(many_vars(1000)), True
    yield "attachments-error", f"/apps/{app}/addon-attachments", 503, quoting_error(app, config), True
    for value in ("5000", "{}", "[]", "true"):
        yield "non-string", f"/apps/{app}/config-vars", 200, dict(config, PORT=json.loads(value)), False
    yield "non-string", f"/apps/{app}/config-vars", 200, dict(config, PORT=None), True


def load_world(args):
    if args.generate:
        return World(generate(args.generate))
    with open(args.world, encoding="utf-8") as f:
        return World(json.load(f))


def handler_for(world, log_path, rate_limit=True, ignore_order=False, mode=None):
    lock = threading.Lock()
    limited = set(world.data.get("rate_limit_once", [])) if rate_limit else set()

    class Handler(BaseHTTPRequestHandler):
        server_version = "standin"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the request log is the record
            pass

        def setup(self):
            super().setup()
            # Headers and body go out in two writes: without this, Nagle
            # holds the body for the client's delayed ACK (40 ms a request).
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def date_time_string(self, timestamp=None):
            return formatdate(epoch(world.now), usegmt=True)

        def record(self):
            auth = self.headers.get("Authorization")
            if auth == "Bearer " + world.token:
                auth = "Bearer <token>"
            elif auth is not None:
                auth = "<other>"
            entry = {
                "method": self.command,
                "path": self.path,
                "accept": self.headers.get("Accept"),
                "user_agent": self.headers.get("User-Agent"),
                "range": self.headers.get("Range"),
                "authorization": auth,
            }
            if log_path:
                with lock, open(log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")

        def send(self, status, body, headers=()):
            self.send_raw(status, json.dumps(body).encode(), headers)

        def send_raw(self, status, data, headers=()):
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("RateLimit-Remaining", "0" if status == 429 else "4499")
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_CONNECT(self):
            # Asked as a proxy, for a tunnel: recorded, never opened.
            self.record()
            self.send(405, {"id": "not_a_proxy", "message": "No tunnels here."})

        def do_GET(self):
            self.record()
            if self.headers.get("Authorization") != "Bearer " + world.token:
                return self.send(401, {"id": "unauthorized", "message": "Invalid credentials provided."})
            path = self.path.split("?")[0]
            if mode:
                name, _, arg = mode.partition(":")
                if HOSTILE[name](self, world, path, arg):
                    return None
            with lock:
                hit = path in limited
                limited.discard(path)
            if hit:
                return self.send(429, {"id": "rate_limit", "message": "Your account reached the API rate limit. Please wait a few minutes before making new requests."},
                                 [("Retry-After", "0")])
            status, body = world.get(path)
            if status == 200 and isinstance(body, list):
                status, body, next_range = page(body, self.headers.get("Range"), world.page_size, ignore_order)
                headers = [("Next-Range", next_range)] if next_range else []
                headers.append(("Accept-Ranges", "id, name, version"))
                return self.send(status, body, headers)
            return self.send(status, body)

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--world", default=DEFAULT_WORLD)
    p.add_argument("--generate", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--no-rate-limit", action="store_true",
                   help="never answer 429 (clients that do not retry, such as the Heroku CLI)")
    p.add_argument("--ignore-order", action="store_true",
                   help="page every list in ascending order, whatever Range asks (a server to be sturdy against)")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                   help="serve HTTPS with this certificate chain and key (PEM)")
    p.add_argument("--mode", help="answer as a hostile server: " + ", ".join(HOSTILE) + " (NAME[:ARG])")
    p.add_argument("--print-token", action="store_true", help="print the world's token and exit (for test scripts)")
    args = p.parse_args()
    world = load_world(args)
    if args.print_token:
        print(world.token)
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(world, args.log, not args.no_rate_limit, args.ignore_order, args.mode))
    server.daemon_threads = True
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
