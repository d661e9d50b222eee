# shellcheck shell=bash
# shellcheck disable=SC2154 # work, out, here, git_bp, version, srv, base_path: set by the suite
# The install-from-git suite's helpers (40-install-from-git.sh), kept apart
# so the suite stays under 600 lines: `compile` of the git buildpack, what a
# failed build must leave (nothing), and the release server (python3's
# http.server with redirects and a stream). Sourced after lib.sh.

# compile NAME [VAR=VALUE…] -- [CONFIG_VAR=VALUE…]: bin/compile of the git
# buildpack into $work/build_NAME with the cache $work/cache_NAME (unless
# CACHE is set) in a cleared build environment (plus VAR=VALUE) and with
# the config vars SECURE_KEY and CONFIG_VAR=VALUE in its ENV_DIR. Output to
# $out/NAME.out and NAME.err; sets status to bin/compile's exit status.
CACHE=""
compile() {
  local name="$1" vars=() config=()
  shift
  while [[ $# -gt 0 && "$1" != -- ]]; do
    vars+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  config=("$@")
  local build="$work/build_$name" cache="${CACHE:-$work/cache_$name}"
  cp -R "$here/fixtures/classic/app" "$build"
  env_dir "$work/env_$name" "SECURE_KEY=$KEY_A,$KEY_B" "${config[@]}"
  status=0
  env -i PATH="$base_path" HOME="$work/build-home" STACK=heroku-24 "${vars[@]}" \
    "$git_bp/bin/compile" "$build" "$cache" "$work/env_$name" >"$out/$name.out" 2>"$out/$name.err" ||
    status=$?
}

# installed_nothing NAME: no binary in the slug, no .profile.d script, and
# no file at all in the build's cache (no partial or unchecked download).
installed_nothing() {
  local build="$work/build_$1" cache="${CACHE:-$work/cache_$1}" left
  [[ ! -e "$build/.heroku" && ! -e "$build/.profile.d" ]] || return 1
  left="$(find "$cache" -type f 2>/dev/null)"
  [[ -z "$left" ]] || {
    printf '#   left in the cache: %s\n' "$left"
    return 1
  }
}

# installed_runs NAME: the build's slug has the binary, and it is v$version.
installed_runs() {
  "$work/build_$1/.heroku/securekey/bin/securekey" --version | grep -qxF "securekey $version"
}

# failed_clearly NAME STATUS PATTERN…: bin/compile exited (STATUS) non-zero, every line of
# its stderr is a ` !     ` error, each PATTERN (fixed text) is in it, and
# nothing was installed.
failed_clearly() {
  local name="$1" status="$2" pattern
  shift 2
  [[ "$status" -ne 0 ]] || return 1
  [[ -s "$out/$name.err" ]] && ! grep -qv '^ !     ' "$out/$name.err" || return 1
  for pattern in "$@"; do
    grep -qF -- "$pattern" "$out/$name.err" || {
      printf '#   not in the error: %s\n' "$pattern"
      return 1
    }
  done
  installed_nothing "$name"
}

# The release server: python3's http.server for the files, plus answers a
# plain file server never gives: /moved/PATH redirects to /PATH on the same
# server (same scheme); /elsewhere/PATH redirects to REDIRECT_TO/PATH
# (another server); /stream/PATH answers 40 MiB of zeros with no
# Content-Length (the body ends when the connection closes). With CERT and
# KEY it serves https.
install_server_script() {
  cat >"$1" <<'PY'
import http.server, ssl, sys

directory, redirect_to = sys.argv[1], sys.argv[2]
STREAM = 40 * 1024 * 1024

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=directory, **kwargs)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path.startswith("/moved/"):
            return self.redirect(self.path[len("/moved"):])
        if self.path.startswith("/elsewhere/"):
            return self.redirect(redirect_to + self.path[len("/elsewhere"):])
        if self.path.startswith("/stream/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            chunk, left = bytes(65536), STREAM
            try:
                while left > 0:
                    self.wfile.write(chunk)
                    left -= len(chunk)
            except OSError:
                pass
            return None
        return super().do_GET()

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 4:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(f"Serving on 127.0.0.1 port {server.server_address[1]}", flush=True)
server.serve_forever()
PY
}

# serve NAME REDIRECT_TO [CERT KEY]: starts a release server on a free port
# (port 0) and sets `port` to it, or says why and returns 1. The server
# prints its port once it listens; a fifo hands that line over without any
# waiting loop.
serve() {
  local name="$1" line=""
  shift
  port=""
  mkfifo "$work/$name.fifo"
  python3 -u "$work/server.py" "$srv" "$@" >"$work/$name.fifo" 2>"$out/$name.log" &
  server_pids+=("$!")
  read -r line <"$work/$name.fifo" || true
  port="$(sed -n 's/^Serving on [^ ]* port \([0-9][0-9]*\)$/\1/p' <<<"$line")"
  [[ -n "$port" ]] || {
    printf '#   %s\n' "$line"
    show "$out/$name.log"
    return 1
  }
}
