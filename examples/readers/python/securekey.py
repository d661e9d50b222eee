"""Reads the key file that securekey writes at every dyno boot, for a Python app.

Copy this file into your app; it needs only the standard library (3.8+).

    import securekey

    pair = securekey.load_pair("SECURE_KEY")   # $SECUREKEY_FILE, else ~/.securekey/keys.json

    # Server: accept the previous key, answer with the latest.
    slot = pair.verify(presented)              # "latest", "previous" or None
    if slot is None:
        refuse()
    elif slot == "previous":
        answer_with(pair.latest)               # the client follows the rotation

    # Client: present the latest key; if refused, retry once with the
    # previous one (the server's dynos may not have restarted yet).
    for key in pair.keys_to_present():
        if call_server(key).ok:
            break

The file is refused as a whole (KeyFileError) unless it is exactly what
securekey writes: version 1, every key 64 uppercase hex chars, every id the
first 8 hex chars of the key's SHA-256; a pair without a previous key (the
add-on's "NEW,") has "previous": null and "previous_id": null. Nothing here
prints or raises a key: KeyPair's repr shows key ids only.

Also a command (the conformance table in tests/conformance/ runs it):

    python3 securekey.py verify VAR < presented   # latest | previous | refused; exit 0, 0, 1
    python3 securekey.py present VAR              # key ids in client order
    # exit 2, one line on stderr: key file missing, malformed or tampered, or no VAR
"""

import hashlib
import hmac
import json
import math
import os
import re
import sys

__all__ = ["KeyFileError", "KeyPair", "default_path", "load", "load_pair", "parse"]

FORMAT_VERSION = 1
_CANONICAL = re.compile(r"[0-9A-F]{64}")
# Key material pasted where a name or a path belongs is never shown: a run of
# 16 hex chars, or of 32 letters and digits (a pre-2013 key), as securekey does.
_KEY_LIKE = re.compile(r"[0-9A-Fa-f]{16}|[0-9A-Za-z]{32}")
# serde_json, which securekey uses to write and read the file, refuses
# deeper nesting (128 levels); the readers refuse what it refuses.
_MAX_DEPTH = 127


class KeyFileError(Exception):
    """The key file is missing, malformed or tampered, or lacks a var.

    The message names the path and what is wrong; never a key.
    """


def key_id(canonical):
    """The public name of a key: 8 lowercase hex chars of SHA-256."""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:8]


def _shown(text):
    return "<not shown: it looks like a key>" if _KEY_LIKE.search(text) else text


class KeyPair:
    """One var's keys. repr() and str() show the key ids only."""

    __slots__ = ("_latest", "_previous", "latest_id", "previous_id")

    def __init__(self, latest, previous=None):
        self._latest = latest
        self._previous = previous
        self.latest_id = key_id(latest)
        self.previous_id = key_id(previous) if previous is not None else None

    @property
    def latest(self):
        """The key to sign with and to answer clients with (the secret itself)."""
        return self._latest

    @property
    def previous(self):
        """The key from before the last rotation, or None (the add-on's NEW,)."""
        return self._previous

    def verify(self, presented):
        """Which key a client presented: "latest", "previous" or None.

        Constant time (hmac.compare_digest), and both keys are always
        compared. Only the exact canonical text matches: 64 uppercase hex.
        """
        if isinstance(presented, str):
            presented = presented.encode("utf-8", "surrogatepass")
        latest = hmac.compare_digest(presented, self._latest.encode("ascii"))
        # Without a previous key, compare with the latest again so the time
        # taken does not depend on the presented key.
        other = self._previous if self._previous is not None else self._latest
        previous = hmac.compare_digest(presented, other.encode("ascii"))
        if latest:
            return "latest"
        if previous and self._previous is not None:
            return "previous"
        return None

    def keys_to_present(self):
        """The keys a client presents, in order: latest, then previous."""
        return [self._latest] + ([self._previous] if self._previous is not None else [])

    def __repr__(self):
        return f"KeyPair(latest={self.latest_id}, previous={self.previous_id or 'none'})"


def default_path():
    """$SECUREKEY_FILE, else $HOME/.securekey/keys.json."""
    return os.environ.get("SECUREKEY_FILE") or os.path.join(
        os.path.expanduser("~"), ".securekey", "keys.json"
    )


def _number(text):
    """A JSON number, refused when out of a double's range (as serde_json does)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return int(text) if re.fullmatch(r"-?\d+", text) else value


def _refuse_constant(_name):
    """NaN, Infinity and -Infinity: Python's json takes them, JSON does not."""
    raise ValueError("NaN and Infinity are not JSON")


def _plain(value, depth=1):
    """Whether a parsed document is one serde_json would accept too.

    Python's json also takes lone UTF-16 surrogates ("\\ud800") and any depth.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return depth <= _MAX_DEPTH and all(
            _plain(k) and _plain(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list):
        return depth <= _MAX_DEPTH and all(_plain(v, depth + 1) for v in value)
    return True


def _key(var, entry, slot, nullable):
    """One slot's key, checked against its id; None for a null previous."""
    name = _shown(var)
    text, text_id = entry.get(slot), entry.get(slot + "_id")
    if nullable and slot in entry and text is None:
        if slot + "_id" in entry and text_id is None:
            return None
        raise KeyFileError(f'{name}: "{slot}" is null, so "{slot}_id" must be null too')
    if not isinstance(text, str):
        raise KeyFileError(f'{name}: no "{slot}"')
    if not _CANONICAL.fullmatch(text):
        raise KeyFileError(f"{name}: the {slot} key is not 64 uppercase hex chars")
    if not isinstance(text_id, str):
        raise KeyFileError(f'{name}: no "{slot}_id"')
    if text_id != key_id(text):
        raise KeyFileError(f"{name}: the {slot} key does not match {slot}_id")
    return text


def parse(content):
    """The pairs in a key file's bytes, by var: {"SECURE_KEY": KeyPair, ...}.

    Raises KeyFileError unless the whole file is valid.
    """
    try:
        doc = json.loads(
            content.decode("utf-8"),
            parse_float=_number,
            parse_int=_number,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as e:
        raise KeyFileError(f"not valid JSON (line {e.lineno}, column {e.colno})") from None
    except (ValueError, RecursionError):
        raise KeyFileError("not valid JSON") from None
    if not _plain(doc):
        raise KeyFileError("not valid JSON")
    version = doc.get("version") if isinstance(doc, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:
        raise KeyFileError('expected "version": 1')
    keys = doc.get("keys")
    if not isinstance(keys, dict):
        raise KeyFileError('expected a "keys" object')
    pairs = {}
    for var, entry in keys.items():
        if not isinstance(entry, dict):
            raise KeyFileError(f'{_shown(var)}: no "latest"')
        latest = _key(var, entry, "latest", nullable=False)
        pairs[var] = KeyPair(latest, _key(var, entry, "previous", nullable=True))
    return pairs


def load(path=None):
    """The pairs in the key file at path (default: default_path())."""
    path = path or default_path()
    try:
        with open(path, "rb") as f:
            content = f.read()
    except OSError as e:
        raise KeyFileError(
            "cannot read the key file {}: {}".format(_shown(path), e.strerror or "error")
        ) from None
    try:
        return parse(content)
    except KeyFileError as e:
        raise KeyFileError(f"cannot load the key file {_shown(path)}: {e}") from None


def load_pair(var="SECURE_KEY", path=None):
    """One var's pair from the key file; KeyFileError if it is not there."""
    pairs = load(path)
    if var not in pairs:
        raise KeyFileError(f"no {_shown(var)} in the key file")
    return pairs[var]


def _read_presented():
    """One line of stdin without its line ending; nothing else is stripped."""
    line = sys.stdin.buffer.readline()
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


def main(argv):
    if len(argv) != 2 or argv[0] not in ("verify", "present"):
        print("usage: securekey.py (verify | present) VAR", file=sys.stderr)
        return 2
    command, var = argv
    try:
        pair = load_pair(var)
    except KeyFileError as e:
        print(f"securekey: {e}", file=sys.stderr)
        return 2
    if command == "present":
        print("\n".join(key_id(key) for key in pair.keys_to_present()))
        return 0
    slot = pair.verify(_read_presented())
    print(slot or "refused")
    return 0 if slot else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
