"""securekey-reader: the conformance command (tests/conformance/table.tsv).

    securekey-reader verify VAR < presented   # latest | previous | refused; exit 0, 0, 1
    securekey-reader present VAR              # the key ids in client order
    # exit 2, one line on stderr: no usable key file, or no VAR in it

Not named `securekey`: that is the buildpack's own binary.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from . import __version__
from ._keys import KeyFileError, load

PROG = "securekey-reader"
USAGE = f"usage: {PROG} (verify | present) VAR"
# A presented key is 64 chars; a longer line is refused without reading it all.
_MAX_LINE = 4096

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_ERROR = 2


def _read_presented() -> bytes:
    """One line of stdin without its line ending ("\\n" or "\\r\\n"); nothing
    else is stripped."""
    if sys.stdin is None:
        raise OSError("stdin is closed")
    line = sys.stdin.buffer.readline(_MAX_LINE)
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


def _run(argv: List[str]) -> int:
    if argv in (["-h"], ["--help"]):
        print(USAGE)
        return EXIT_OK
    if argv == ["--version"]:
        print(f"{PROG} {__version__}")
        return EXIT_OK
    if len(argv) != 2 or argv[0] not in ("verify", "present"):
        print(f"{PROG}: {USAGE}", file=sys.stderr)
        return EXIT_ERROR
    command, var = argv
    try:
        pair = load().pair(var)
    except KeyFileError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_ERROR
    if command == "present":
        print("\n".join(key.id for key in pair.keys_to_present()))
        return EXIT_OK
    try:
        presented = _read_presented()
    except OSError as e:
        print(f"{PROG}: cannot read the presented key from stdin: {e}", file=sys.stderr)
        return EXIT_ERROR
    slot = pair.verify(presented)
    print(slot or "refused")
    return EXIT_OK if slot else EXIT_REFUSED


def main(argv: Optional[List[str]] = None) -> int:
    """The console script's entry point; the only place that picks an exit code."""
    try:
        code = _run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
