"""File input and output that every command shares.

Writes are atomic because a translation run can fail half-way (a model error, Ctrl-C) and a
half-written TMX that replaced yesterday's good one is worse than no output at all.  Reads
are forgiving about encoding because Korean documents still arrive as CP949/EUC-KR, and
strict about everything else (binary files, empty input), so the user learns at once, by
file and line, why nothing was translated.
"""
from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bitext.errors import InputError

STDIO = "-"
CP949_NOTICE = "decoded as CP949 (not UTF-8)"
UTF16_NOTICE = "decoded as UTF-16 (byte-order mark)"
MOSTLY = 0.9   # share of Hangul/ASCII letters a CP949 decoding needs to be believed

# --------------------------------------------------------------------------- writing

def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file; mkstemp's 0600 would surprise users."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = "\n") -> Iterator[IO]:
    """Open ``path`` for writing so that it is replaced only if the block succeeds.

    Data goes to a temporary file in the same directory (same file system, so
    ``os.replace`` is atomic); on an exception the temporary file is removed and the old
    file is untouched.  ``"-"`` is stdout, written directly (it cannot be taken back).
    """
    binary = "b" in mode
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files; mode {mode!r} is not 'w' or 'wb'")
    if str(path) == STDIO:
        yield from _stdout(binary, encoding, newline)
        return
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise InputError(f"cannot write here: {e.strerror or e}", str(path)) from None
    try:
        f: IO
        with (os.fdopen(fd, mode) if binary else
              os.fdopen(fd, mode, encoding=encoding, newline=newline)) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            file_mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            file_mode = _new_file_mode()
        os.chmod(tmp, file_mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _stdout(binary: bool, encoding: str | None, newline: str | None) -> Iterator[IO]:
    """Stdout in the requested encoding, whatever the terminal's locale says."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:                      # replaced by a StringIO (tests, notebooks)
        if binary:
            raise ValueError("stdout has no binary buffer")
        yield sys.stdout
        return
    if binary:
        yield buffer
        buffer.flush()
        return
    wrapper = io.TextIOWrapper(buffer, encoding=encoding, newline=newline, write_through=True)
    try:
        yield wrapper
        wrapper.flush()
        buffer.flush()  # before anything goes to stderr, so a terminal shows them in order
    finally:
        wrapper.detach()                    # leave sys.stdout's buffer open


def atomic_write(path: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write all of ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w", encoding=encoding) as f:
        f.write(data)


# --------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    notice: str | None = None       # shown to the user when the encoding was a guess
    newline: str = "\n"             # the input's line end (first one found): CRLF from Windows


def newline_of(text: str) -> str:
    """``"\\r\\n"`` when the first line end is CRLF (a Windows file), else ``"\\n"``; a
    bare CR (classic Mac) is read as a line end but written back as LF."""
    lf = text.find("\n")
    return "\r\n" if lf > 0 and text[lf - 1] == "\r" else "\n"


def read_bytes(path: str | os.PathLike) -> bytes:
    """All bytes of a file or of stdin (``"-"``); missing, unreadable or empty → InputError."""
    name = str(path)
    try:
        data = sys.stdin.buffer.read() if name == STDIO else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", name) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", name) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", name) from None
    if not data.strip():
        raise InputError("input is empty", name)
    return data


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def _looks_korean(text: str) -> bool:
    """True when the letters are mostly Hangul or ASCII, so a CP949 guess is believable.

    CP949 assigns a character to most byte pairs, so Latin-1 or random bytes often
    'decode' into rare Hanja and symbols; real Korean text does not look like that.
    """
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    plausible = sum(1 for c in chars if c.isascii() or _is_hangul(c)
                    or unicodedata.category(c).startswith("P"))
    return plausible / len(chars) >= MOSTLY


def decode(data: bytes, name: str) -> DecodedText:
    """Bytes → NFC text: UTF-8 (BOM stripped), UTF-16 with a BOM, else believable CP949."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), "utf-16", UTF16_NOTICE, name)
        except UnicodeDecodeError:
            raise InputError("has a UTF-16 byte-order mark but is not UTF-16", name) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError("binary file (contains NUL bytes), not text", name,
                         _line_at(data, nul))
    try:
        return _checked(data.decode("utf-8").removeprefix("\ufeff"), "utf-8", None, name)
    except UnicodeDecodeError as e:
        bad = e
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_korean(text):
        return _checked(text, "cp949", CP949_NOTICE, name)
    raise InputError(f"not UTF-8 and not CP949/EUC-KR text (byte 0x{data[bad.start]:02x})",
                     name, _line_at(data, bad.start))


def _checked(text: str, encoding: str, notice: str | None, name: str) -> DecodedText:
    if not text.strip():
        raise InputError("input is empty", name)
    return DecodedText(unicodedata.normalize("NFC", text), encoding, notice, newline_of(text))


def read_text(path: str | os.PathLike) -> DecodedText:
    """Read a text file or stdin (``"-"``) as NFC-normalised Unicode (see :func:`decode`).

    NFC matters: glossary headwords are NFC, and Korean typed on macOS is often NFD
    (decomposed jamo), which would otherwise never match.
    """
    return decode(read_bytes(path), str(path))
