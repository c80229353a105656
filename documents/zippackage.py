"""Zip packages (DOCX today; PPTX, XLSX, ODT later) read safely and written back entry by entry.

Reading checks the archive before inflating anything: the declared sizes of all entries
against a ceiling and against the archive's own size (a zip bomb declares gigabytes in a
few kilobytes), and the number of entries. ``zipfile`` never inflates an entry past its
declared size and checks its CRC, so the declared sizes bound the memory a read can take.

Writing copies every entry the caller did not replace *as it is*: its local header and
compressed bytes are sliced out of the original archive, so an image, a font or a part
the toolkit did not touch comes back byte for byte, in the same order and with the same
compression. Only replaced entries are deflated anew.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from bitext.errors import InputError

MAX_ENTRIES = 10_000
MAX_TOTAL = 512 * 1024 * 1024      # declared uncompressed bytes of all entries together
MAX_RATIO = 100                    # declared total / archive size, once past RATIO_FLOOR
RATIO_FLOOR = 16 * 1024 * 1024     # small packages may compress better than 100× (empty parts)

_LOCAL = struct.Struct("<IHHHHHIIIHH")       # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_END = struct.Struct("<IHHHHIIH")            # end of central directory, 22 bytes
_DESCRIPTOR_SIG = 0x08074B50
_UTF8_FLAG = 0x800
_DESCRIPTOR_FLAG = 0x8


@dataclass
class ZipPackage:
    """An opened package: its bytes, its entries in archive order, and its name for errors."""

    data: bytes
    name: str
    archive: zipfile.ZipFile
    entries: list[zipfile.ZipInfo]

    def names(self) -> list[str]:
        return [info.filename for info in self.entries]

    def read(self, entry: str) -> bytes:
        """One entry inflated (bounded by its declared size, CRC checked)."""
        try:
            return self.archive.read(entry)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                struct.error) as e:
            # ValueError: a central directory whose offsets point before the file's start
            # (bytes cut out of the middle: "negative seek value"), or a local header whose
            # name is not in its declared encoding (UnicodeDecodeError)
            raise InputError(f"corrupt zip entry {entry}: {e}", self.name) from None
        except (NotImplementedError, RuntimeError) as e:   # unknown method, encrypted
            raise InputError(f"cannot read zip entry {entry}: {e}", self.name) from None


def open_package(data: bytes, name: str, kind: str = "package") -> ZipPackage:
    """Open ``data`` as a zip package, refusing corrupt archives and bombs (one-line errors)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error) as e:
        raise InputError(f"not a readable {kind} (corrupt zip, or a password-protected file "
                         f"saved encrypted: save it without a password): {e}", name) from None
    if len(entries) > MAX_ENTRIES:
        raise InputError(f"zip with {len(entries)} entries (more than {MAX_ENTRIES}) refused",
                         name)
    total = sum(info.file_size for info in entries)
    if total > MAX_TOTAL or (total > RATIO_FLOOR and total > MAX_RATIO * max(len(data), 1)):
        raise InputError(f"zip bomb refused: its entries declare {total:,} bytes uncompressed "
                         f"in a {len(data):,}-byte file", name)
    for info in entries:
        if info.flag_bits & 0x1:
            raise InputError(f"encrypted zip entry {info.filename}: save the file without a "
                             "password", name)
        if info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF \
                or info.header_offset >= 0xFFFFFFFF:
            raise InputError(f"zip64 entry {info.filename} refused (larger than 4 GiB)", name)
    return ZipPackage(data, name, archive, entries)


def _raw_entry(package: ZipPackage, info: zipfile.ZipInfo) -> bytes:
    """The entry exactly as stored: local header, compressed data, data descriptor."""
    data, start = package.data, info.header_offset
    header = data[start:start + _LOCAL.size]
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise InputError(f"corrupt zip: bad local header for {info.filename}", package.name)
    fields = _LOCAL.unpack(header)
    name_len, extra_len = fields[9], fields[10]
    end = start + _LOCAL.size + name_len + extra_len + info.compress_size
    if info.flag_bits & _DESCRIPTOR_FLAG:
        has_sig = data[end:end + 4] == struct.pack("<I", _DESCRIPTOR_SIG)
        extra = data[start + _LOCAL.size + name_len:start + _LOCAL.size + name_len + extra_len]
        sizes = 16 if _has_zip64(extra) else 8      # two 8-byte sizes, or two 4-byte ones
        end += 4 + sizes + (4 if has_sig else 0)    # CRC, sizes, optional signature
    if end > len(data):
        raise InputError(f"corrupt zip: {info.filename} runs past the end of the file",
                         package.name)
    return data[start:end]


def _has_zip64(extra: bytes) -> bool:
    """Whether a local header's extra field has a zip64 record (its descriptor then carries
    8-byte sizes)."""
    at = 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[at:at + 4])
        if tag == 0x0001:
            return True
        at += 4 + size
    return False


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def write_package(package: ZipPackage, replaced: dict[str, bytes]) -> bytes:
    """The package with the entries in ``replaced`` rewritten (deflated) and every other
    entry copied byte for byte, in the original order, with a fresh central directory."""
    out = io.BytesIO()
    central: list[bytes] = []
    for info in package.entries:
        offset = out.tell()
        name = info.filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")
        if info.filename in replaced:
            content = replaced[info.filename]
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = compressor.compress(content) + compressor.flush()
            crc, csize, usize = zlib.crc32(content), len(packed), len(content)
            flags, method = info.flag_bits & _UTF8_FLAG, zipfile.ZIP_DEFLATED
            mtime, mdate = _dos_time(info)
            out.write(_LOCAL.pack(0x04034B50, 20, flags, method, mtime, mdate, crc, csize,
                                  usize, len(name), 0))
            out.write(name)
            out.write(packed)
            extra = b""
            version = 20
        else:
            out.write(_raw_entry(package, info))
            crc, csize, usize = info.CRC, info.compress_size, info.file_size
            flags, method = info.flag_bits, info.compress_type
            mtime, mdate = _dos_time(info)
            extra = info.extra
            version = info.extract_version
        comment = info.comment
        central.append(_CENTRAL.pack(
            0x02014B50, (info.create_system << 8) | info.create_version, version, flags,
            method, mtime, mdate, crc, csize, usize, len(name), len(extra), len(comment), 0,
            info.internal_attr, info.external_attr, offset) + name + extra + comment)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    comment = package.archive.comment
    out.write(_END.pack(0x06054B50, 0, 0, len(central), len(central), size, start,
                        len(comment)) + comment)
    return out.getvalue()
