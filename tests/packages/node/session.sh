# shellcheck shell=bash
# shellcheck disable=SC2154 # the variables test.sh sets before it sources this file
# tests/packages/node/session.sh, sourced by test.sh: the express-session
# example across rotations, express-session from npm.

# --- The express-session example: B,D -> A,B -> C,A -> E,C ---------------

example="$work/example"
cp -R "$root/packages/node/examples/express-session" "$example"
rm -rf "$example/node_modules" "$example/.sessions"
if (cd "$example" && npm install --no-audit --no-fund --silent "$tarball") >"$work/npm-example.log" 2>&1; then
  ok "express-session example: npm install (the tarball, express and express-session from npm)"
  example_start() {
    local name="$1" fd
    exec {fd}< <(cd "$example" && exec env SECUREKEY_FILE="$keys/$2.json" HOST=127.0.0.1 PORT=0 \
      SESSION_DIR="$work/sessions" node app.js 2>"$printed/example-$name.err")
    pid=$!
    pids+=("$pid")
    port=""
    read -r -t 60 line <&"$fd" || true
    exec {fd}<&-
    printf '%s\n' "$line" >"$printed/example-$name.out"
    [[ "$line" =~ ^listening\ on\ port\ ([0-9]+), ]] && port="${BASH_REMATCH[1]}"
    [[ -n "$port" ]]
  }
  # sign_in NAME JAR: POST /login, the cookie in JAR.
  sign_in() {
    status="$(curl -sS -o "$printed/$1.body" -c "$work/$2" -X POST -w '%{http_code}' "http://127.0.0.1:$port/login")" || status=curl-failed
    [[ "$status" == 200 ]] && grep -q connect.sid "$work/$2"
  }
  # signed_in JAR: GET /me with JAR's cookie: 200 signed in, 401 not.
  signed_in() {
    status="$(curl -sS -o "$printed/me.body" -b "$work/$1" -w '%{http_code}' "http://127.0.0.1:$port/me")" || status=curl-failed
    [[ "$status" == 200 ]]
  }
  # visit JAR: GET /me as an active user's browser does: JAR's cookie
  # sent, and whatever cookie the response sets kept in JAR.
  visit() {
    cp "$work/$1" "$work/$1.before"
    status="$(curl -sS -o "$printed/me.body" -D "$printed/me.head" -b "$work/$1" -c "$work/$1" -w '%{http_code}' \
      "http://127.0.0.1:$port/me")" || status=curl-failed
    [[ "$status" == 200 ]] && grep -qi '^set-cookie: connect.sid=' "$printed/me.head" &&
      ! cmp -s "$work/$1" "$work/$1.before"
  }
  verdict() {
    if "${@:2}"; then ok "$1"; else not_ok "$1" "status $status"; fi
  }
  # B,D: the cookie signed with B.
  if example_start bd bd; then
    verdict "express-session example, keys B,D: signing in sets a cookie signed with B" sign_in login-b jar-b
    stop
    # A,B: B is the previous key; the cookie signed with A.
    if example_start ab ab; then
      verdict "express-session example, keys A,B: the cookie signed with B (previous) still verifies" signed_in jar-b
      verdict "express-session example, keys A,B: signing in sets a cookie signed with A" sign_in login-a jar-a
      stop
      # C,A: A is the previous key, B is two rotations old.
      if example_start ca ca; then
        cp "$work/jar-a" "$work/jar-a-idle"
        verdict "express-session example, after A,B -> C,A: the cookie signed with A (previous) still verifies" signed_in jar-a
        verdict "express-session example, after A,B -> C,A: an active user's /me is 200 and re-signs the cookie (rolling: true)" visit jar-a
        name="express-session example, after A,B -> C,A: the cookie signed with B (two rotations old) does not"
        # Its session is still in the store: the signature alone refuses it.
        sid="$(awk '$6 == "connect.sid" { print $7 }' "$work/jar-b")"
        sid="${sid#s%3A}"
        sid="${sid%%.*}"
        if signed_in jar-b; then
          not_ok "$name" "status $status"
        elif [[ "$status" == 401 && -n "$sid" && -f "$work/sessions/$sid.json" ]]; then
          ok "$name"
        else
          not_ok "$name" "status $status, or its session is no longer in the store"
        fi
        stop
        # E,C: A is now two rotations old; the active user's cookie is C's.
        if example_start ec ec; then
          verdict "express-session example, after C,A -> E,C: the active user is still signed in (200)" signed_in jar-a
          if signed_in jar-a-idle; then
            not_ok "express-session example, after C,A -> E,C: a user idle since A,B (cookie signed with A) is signed out" "status $status"
          else
            ok "express-session example, after C,A -> E,C: a user idle since A,B (cookie signed with A) is signed out"
          fi
          stop
        else
          not_ok "express-session example, keys E,C: the app starts"
        fi
      else
        not_ok "express-session example, keys C,A: the app starts"
      fi
    else
      not_ok "express-session example, keys A,B: the app starts"
    fi
  else
    not_ok "express-session example, keys B,D: the app starts"
    show "$printed/example-bd.err"
  fi
else
  not_ok "express-session example: npm install (the tarball, express and express-session from npm)"
  show "$work/npm-example.log"
fi

