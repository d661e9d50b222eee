"""The key file: where it is, how it is read, what it must hold.

The only module that touches the filesystem. Everything above it (the
middleware, the client, the command) gets a KeyFile or a KeyPair from here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets as _random
import stat
import sys
from typing import Any, Dict, Iterator, List, NoReturn, Optional, Sequence, Union

log = logging.getLogger("securekey")

LATEST = "latest"
PREVIOUS = "previous"

FORMAT_VERSION = 1
DEFAULT_PATH = os.path.join(".securekey", "keys.json")
DEFAULT_VAR = "SECURE_KEY"
# A key file holds a few 64-char pairs: 1 MiB is far above any real one, and
# small enough to read whole. The cap is the same in every reader.
MAX_SIZE = 1024 * 1024

_CANONICAL = re.compile(r"[0-9A-F]{64}")
# Key material pasted where a name or a path belongs is never shown: a run of
# 16 hex chars, or of 32 letters and digits (a pre-2013 key), as securekey does.
_KEY_LIKE = re.compile(r"[0-9A-Fa-f]{16}|[0-9A-Za-z]{32}")
_INTEGER = re.compile(r"-?\d+")
# serde_json, which securekey uses to write and read the file, refuses
# deeper nesting (128 levels); the readers refuse what it refuses.
_MAX_DEPTH = 127

_MISSING_FIX = (
    "run `securekey write` first (on Heroku the buildpack's boot script does), "
    "or set SECUREKEY_FILE"
)


class KeyFileError(Exception):
    """The key file is missing, unreadable, malformed or tampered, or lacks a var.

    The message is one line naming the path and what is wrong; never a key.
    """


def key_id(canonical: str) -> str:
    """The public name of a key: 8 lowercase hex chars of its SHA-256."""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:8]


def shown(text: str) -> str:
    """A name or path as it may be printed: on one line, and never a key."""
    if _KEY_LIKE.search(text):
        return "<not shown: it looks like a key>"
    # repr's escapes keep a newline or a terminal control out of the message.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Key:
    """One key. repr() and str() show its id only; reveal() gives the secret."""

    __slots__ = ("_text", "id")

    def __init__(self, canonical: str) -> None:
        self._text = canonical
        self.id = key_id(canonical)

    def reveal(self) -> str:
        """The key itself (64 uppercase hex chars): to sign with or to send."""
        return self._text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return hmac.compare_digest(self._text.encode(), other._text.encode())

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"Key(id={self.id})"

    def __str__(self) -> str:
        return self.id

    # A pickle is a copy of the secret: refuse it rather than write one into
    # a cache or a task queue by accident. __getstate__ too: since Python
    # 3.11 object.__getstate__ would hand out the slots, key included.
    def __reduce__(self) -> NoReturn:
        raise TypeError("a securekey.Key is not picklable")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a securekey.Key is not picklable")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a securekey.Key is not picklable")

    # A key is immutable: copy.copy and copy.deepcopy give the same key
    # (without them, copy would go through the refused pickle protocol).
    def __copy__(self) -> "Key":
        return self

    def __deepcopy__(self, memo: Any) -> "Key":
        return self


class KeyPair:
    """One var's keys: latest, and previous (None after the add-on's NEW,)."""

    __slots__ = ("var", "latest", "previous")

    def __init__(self, var: str, latest: Key, previous: Optional[Key] = None) -> None:
        self.var = var
        self.latest = latest
        self.previous = previous

    @property
    def latest_id(self) -> str:
        return self.latest.id

    @property
    def previous_id(self) -> Optional[str]:
        return self.previous.id if self.previous is not None else None

    def verify(self, presented: Union[str, bytes, None]) -> Optional[str]:
        """Which key a client presented: "latest", "previous" or None.

        Constant time (hmac.compare_digest), and both keys are always
        compared. Only the exact canonical text matches: 64 uppercase hex.
        """
        if presented is None:
            presented = b""
        elif isinstance(presented, str):
            presented = presented.encode("utf-8", "surrogatepass")
        elif not isinstance(presented, (bytes, bytearray)):
            kind = type(presented).__name__
            del presented  # no frame of a traceback holds what was presented
            raise TypeError(f"KeyPair.verify takes str, bytes or None, not {kind}")
        latest = hmac.compare_digest(presented, self.latest._text.encode("ascii"))
        # Without a previous key, compare with the latest again so the time
        # taken does not depend on the presented key.
        other = self.previous if self.previous is not None else self.latest
        previous = hmac.compare_digest(presented, other._text.encode("ascii"))
        if latest:
            return LATEST
        if previous and self.previous is not None:
            return PREVIOUS
        return None

    def keys_to_present(self) -> List[Key]:
        """The keys a client presents, in order: latest, then previous."""
        return [self.latest] + ([self.previous] if self.previous is not None else [])

    def secrets(self) -> List[str]:
        """The keys themselves, newest first, for a framework's own rotation:

        SECRET_KEY, *SECRET_KEY_FALLBACKS = pair.secrets()
        """
        return [key.reveal() for key in self.keys_to_present()]

    def __repr__(self) -> str:
        return (
            f"KeyPair(var={shown(self.var)}, latest={self.latest_id}, "
            f"previous={self.previous_id or 'none'})"
        )

    def __reduce__(self) -> NoReturn:
        raise TypeError("a securekey.KeyPair is not picklable")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a securekey.KeyPair is not picklable")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a securekey.KeyPair is not picklable")

    def __copy__(self) -> "KeyPair":
        return KeyPair(self.var, self.latest, self.previous)

    def __deepcopy__(self, memo: Any) -> "KeyPair":
        return self.__copy__()


class KeyFile:
    """The pairs of one key file, by var. A read-only mapping of KeyPair."""

    __slots__ = ("path", "_pairs")

    def __init__(self, pairs: Dict[str, KeyPair], path: Optional[str] = None) -> None:
        self.path = path
        self._pairs = pairs

    @property
    def vars(self) -> List[str]:
        return sorted(self._pairs)

    def pair(self, var: Optional[str] = None) -> KeyPair:
        """One var's pair. Without a var: SECURE_KEY if the file has it, else
        the file's only var; any other file asks for a var by name."""
        where = f" ({shown(self.path)})" if self.path else ""
        if var is not None:
            if var not in self._pairs:
                name = shown(var)
                del var  # it may be a key pasted where a name belongs
                raise KeyFileError(f"no {name} in the key file{where}")
            return self._pairs[var]
        if DEFAULT_VAR in self._pairs:
            return self._pairs[DEFAULT_VAR]
        if len(self._pairs) == 1:
            return next(iter(self._pairs.values()))
        if not self._pairs:
            raise KeyFileError(f"the key file{where} holds no var")
        names = ", ".join(shown(v) for v in self.vars)
        raise KeyFileError(
            f"the key file{where} has no SECURE_KEY and {len(self._pairs)} other vars "
            f"({names}): name the one to use (var=...)"
        )

    def __getitem__(self, var: str) -> KeyPair:
        return self.pair(var)

    def __contains__(self, var: object) -> bool:
        return var in self._pairs

    def __iter__(self) -> Iterator[str]:
        return iter(self.vars)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        pairs = ", ".join(repr(self._pairs[v]) for v in self.vars)
        return f"KeyFile([{pairs}])"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a securekey.KeyFile is not picklable")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a securekey.KeyFile is not picklable")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a securekey.KeyFile is not picklable")

    def __copy__(self) -> "KeyFile":
        return KeyFile(dict(self._pairs), self.path)

    def __deepcopy__(self, memo: Any) -> "KeyFile":
        return self.__copy__()


def default_path() -> str:
    """$SECUREKEY_FILE when set and not empty, else .securekey/keys.json under
    the current directory. $HOME is not consulted."""
    return os.environ.get("SECUREKEY_FILE") or DEFAULT_PATH


def _number(text: str) -> Union[int, float]:
    """A JSON number, refused when out of a double's range (as serde_json does)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return int(text) if _INTEGER.fullmatch(text) else value


def _refuse_constant(_name: str) -> None:
    """NaN, Infinity and -Infinity: Python's json takes them, JSON does not."""
    raise ValueError("NaN and Infinity are not JSON")


def _plain(value: object, depth: int = 1) -> bool:
    """Whether a parsed document is one serde_json would accept too.

    Python's json also takes lone UTF-16 surrogates ("\\ud800") and any depth.
    The recursion is bounded: it stops at _MAX_DEPTH.
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


def _key(var: str, entry: Dict[str, Any], slot: str, nullable: bool) -> Optional[Key]:
    """One slot's key, checked against its id; None for a null previous."""
    name = shown(var)
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
    return Key(text)


def _pairs_or_error(content: bytes) -> Union[Dict[str, KeyPair], str]:
    """The pairs in a key file's bytes, or what is wrong with them (a str).

    Returns rather than raises: a traceback keeps every frame it passes with
    its locals (Sentry, rich and Django's debug page show them), and the
    frames here hold the file's text. The caller raises, from a frame that
    holds none of it.
    """
    try:
        doc = json.loads(
            content.decode("utf-8"),
            parse_float=_number,
            parse_int=_number,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as e:
        return f"not valid JSON (line {e.lineno}, column {e.colno})"
    except (ValueError, RecursionError):
        return "not valid JSON"
    if not _plain(doc):
        return "not valid JSON"
    version = doc.get("version") if isinstance(doc, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:
        return 'expected "version": 1'
    keys = doc.get("keys")
    if not isinstance(keys, dict):
        return 'expected a "keys" object'
    pairs = {}
    for var, entry in keys.items():
        if not isinstance(entry, dict):
            return f'{shown(var)}: no "latest"'
        try:
            latest = _key(var, entry, LATEST, nullable=False)
            previous = _key(var, entry, PREVIOUS, nullable=True)
        except KeyFileError as e:
            return str(e)
        if latest is None:  # only a nullable slot can be None; for the type checker
            return f'{shown(var)}: no "latest"'
        pairs[var] = KeyPair(var, latest, previous)
    return pairs


def parse(content: bytes, path: Optional[str] = None) -> KeyFile:
    """The pairs in a key file's bytes. Raises KeyFileError unless the whole
    file is valid."""
    found = _pairs_or_error(content)
    del content  # raised below: this frame must not hold the file's text
    if isinstance(found, str):
        raise KeyFileError(found)
    return KeyFile(found, path)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _must_be_regular(mode: int, name: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((what for test, what in _KINDS if test(mode)), "not a file")
    raise KeyFileError(f"the key file {name} is {kind}, not a regular file")


def _too_big(name: str) -> KeyFileError:
    return KeyFileError(
        f"the key file {name} is over 1 MiB ({MAX_SIZE:,} bytes): "
        "a key file is a few hundred bytes; is SECUREKEY_FILE the right file?"
    )


def read_key_file(path: str) -> bytes:
    """The bytes of the key file at path, read by the one rule of every reader:
    a regular file (or a symlink to one) of at most MAX_SIZE bytes. A FIFO, a
    device, a socket or a folder is refused at once, without blocking."""
    name = shown(path)
    flags = os.O_RDONLY
    for extra in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"):
        flags |= getattr(os, extra, 0)
    try:
        # stat first: opening a device can act on it (a tape rewinds).
        _must_be_regular(os.stat(path).st_mode, name)
        # Non-blocking: a FIFO swapped in after the stat does not hang the open.
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise KeyFileError(f"no key file at {name}: {_MISSING_FIX}") from None
    except OSError as e:
        raise KeyFileError(f"cannot read the key file {name}: {e.strerror or 'error'}") from None
    except ValueError:  # a NUL in the path
        raise KeyFileError(f"cannot read the key file {name}: the path holds a NUL") from None
    try:
        st = os.fstat(fd)  # the handle itself: the path may have changed
        _must_be_regular(st.st_mode, name)
        if st.st_size > MAX_SIZE:
            raise _too_big(name)
        # One byte more than the cap tells a file that grew over it.
        content = _read_up_to(fd, MAX_SIZE + 1)
    except OSError as e:
        raise KeyFileError(f"cannot read the key file {name}: {e.strerror or 'error'}") from None
    finally:
        os.close(fd)
    if len(content) > MAX_SIZE:
        del content  # raised below: no frame holds the file's text
        raise _too_big(name)
    return content


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks: List[bytes] = []
    chunk = b""
    try:
        while limit > 0:
            chunk = os.read(fd, limit)
            if not chunk:
                break
            chunks.append(chunk)
            limit -= len(chunk)
    except OSError:
        chunks.clear()  # what was read stays out of the traceback
        chunk = b""
        raise
    return b"".join(chunks)


def load(path: Optional[str] = None) -> KeyFile:
    """The key file at path (default: default_path()), validated whole."""
    path = path or default_path()
    # The bytes go straight into the parser: no local of this frame holds them.
    found = _pairs_or_error(read_key_file(path))
    if isinstance(found, str):
        raise KeyFileError(f"cannot load the key file {shown(path)}: {found}")
    return KeyFile(found, path)


def load_pair(var: Optional[str] = None, path: Optional[str] = None) -> KeyPair:
    """One var's pair from the key file (see KeyFile.pair for the default var)."""
    try:
        return load(path).pair(var)
    except KeyFileError as e:
        message = str(e)
    # Raised afresh, without this frame's var (it may be a key pasted where
    # a name belongs) or the frames below.
    del var
    raise KeyFileError(message)


# The commands that build an app rather than serve it, and that a build
# machine runs before any key file exists: Heroku's Python buildpack runs
# `manage.py collectstatic --noinput` at build time; django-compressor's
# `compress` and `compilemessages` are the usual others.
BUILD_COMMANDS = ("collectstatic", "compress", "compilemessages")


def _build_step(build_commands: Sequence[str]) -> Optional[str]:
    """The build command this process runs (`manage.py collectstatic …`,
    `django-admin collectstatic …`, `python -m django collectstatic …`), else None."""
    argv = getattr(sys, "argv", None) or []
    if len(argv) > 1 and argv[1] in build_commands:
        return str(argv[1])
    return None


def secrets(
    var: Optional[str] = None,
    path: Optional[str] = None,
    *,
    build_commands: Sequence[str] = BUILD_COMMANDS,
) -> List[str]:
    """The pair's keys, newest first, for a framework's own rotation:

        SECRET_KEY, *SECRET_KEY_FALLBACKS = securekey.secrets()

    As load_pair(var, path).secrets(), with one exception: when there is no
    key file at all and this process is a build step (sys.argv[1] is one of
    build_commands, as in `manage.py collectstatic --noinput`), it returns
    one random throwaway key, never written anywhere, and logs a warning.
    Any other process without its key file raises KeyFileError, so an app
    that reads its settings this way never serves without its keys; a key
    file that is there but bad raises in a build step too.
    """
    where = path or default_path()
    command = _build_step(build_commands)
    if command is not None and not os.path.lexists(where):
        log.warning(
            "no key file at %s: `%s` is a build step, so it gets a throwaway "
            "random SECRET_KEY (anything it signs is void once the app boots)",
            shown(where), shown(command),
        )
        return [_random.token_urlsafe(48)]
    return load_pair(var, path).secrets()
