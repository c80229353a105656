"""Training-data sources: the licence table in SOURCES.md and the parallel files it describes.

A data directory holds pairs ``NAME.ko`` / ``NAME.en``, or xz-compressed ``NAME.ko.xz`` /
``NAME.en.xz`` (line N of one translates line N of the
other) and a ``SOURCES.md`` whose Markdown table states, per source, the licence "as stated" by
its origin. The recipe trains by default only on sources whose licence is *stated*, so that a
model built with the defaults can be redistributed with a clear provenance; a source whose
licence cell says "unstated" (or is empty) is left out unless the user names it in
``--sources``. The decision and its reason are logged for every source. Several data
directories can be combined (``--data A --data B``); each is judged by its own SOURCES.md.
"""

from __future__ import annotations

import logging
import lzma
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SOURCE_SUFFIX = ".ko"
TARGET_SUFFIX = ".en"

# A licence cell that starts with one of these words states no licence.
_UNSTATED_PREFIXES = ("unstated", "unknown", "none", "not stated", "no licence", "no license",
                      "n/a", "?", "-")


@dataclass(frozen=True)
class SourceInfo:
    """One row of the SOURCES.md table."""

    name: str
    licence: str
    repository: str = ""
    domain: str = ""
    pairs: int | None = None

    @property
    def licence_stated(self) -> bool:
        """True when the licence cell names a licence (not "unstated"/empty)."""
        return licence_is_stated(self.licence)


@dataclass
class Selection:
    """Which sources were chosen, which were left out, and why (for logs and the model card)."""

    included: list[str] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # name -> reason
    warnings: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    """Cleaned parallel sentences, with per-source counts kept for the model card."""

    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)  # source name of each pair
    kept: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.sources)


_STATED_IN_FILES = ("po headers:", "file headers:", "license headers:", "licence headers:")


def licence_is_stated(cell: str) -> bool:
    """Whether a SOURCES.md licence cell states a licence.

    A cell that starts with "unstated" (or is empty, "none", "unknown", …) counts as no
    licence, unless the files themselves state one: "unstated in repo; PO headers:
    'distributed under the same license as the Python package' (PSF)" is a licence stated in
    every file of that source, which is what matters for using it.
    """
    text = cell.strip().strip("*_`").strip().lower()
    if not text:
        return False
    if any(marker in text for marker in _STATED_IN_FILES):
        return True
    return not any(text.startswith(prefix) for prefix in _UNSTATED_PREFIXES)


def _split_row(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|")
    return [cell.strip() for cell in cells]


def _clean_cell(cell: str) -> str:
    return cell.strip().strip("*`").strip()


def parse_sources_table(path: Path) -> dict[str, SourceInfo]:
    """Parse the source table of a SOURCES.md file.

    The table is found by its header row: it must have a ``source`` column and a column whose
    header starts with ``licen`` (licence/license). Rows whose name is bold "total" are skipped.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    table: dict[str, SourceInfo] = {}
    header: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("|"):
            if header is not None and table:
                break  # the first table ended
            header = None
            continue
        cells = _split_row(stripped)
        if header is None:
            lowered = [c.lower() for c in cells]
            if "source" in lowered and any(c.startswith("licen") for c in lowered):
                header = lowered
            continue
        if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
            continue  # separator row
        row = dict(zip(header, cells))
        name = _clean_cell(row.get("source", ""))
        if not name or name.lower() == "total":
            continue
        licence_key = next(k for k in header if k.startswith("licen"))
        pairs_text = re.sub(r"[^\d]", "", row.get("pairs kept", row.get("pairs", "")))
        table[name] = SourceInfo(
            name=name,
            licence=_clean_cell(row.get(licence_key, "")),
            repository=_clean_cell(row.get("repository", "")),
            domain=_clean_cell(row.get("domain", "")),
            pairs=int(pairs_text) if pairs_text else None,
        )
    return table


def pair_file(prefix: Path, suffix: str) -> Path:
    """``PREFIX.ko`` or, when only that exists, its xz-compressed ``PREFIX.ko.xz``."""
    plain = prefix.with_name(prefix.name + suffix)
    compressed = plain.with_name(plain.name + ".xz")
    return compressed if compressed.is_file() and not plain.is_file() else plain


def available_sources(data_dir: Path) -> list[str]:
    """Names with both ``NAME.ko`` and ``NAME.en`` (either may be ``.xz``) in ``data_dir``,
    sorted."""
    names = {p.name[: -len(SOURCE_SUFFIX)] for p in data_dir.glob(f"*{SOURCE_SUFFIX}")}
    names |= {p.name[: -len(SOURCE_SUFFIX) - 3] for p in data_dir.glob(f"*{SOURCE_SUFFIX}.xz")}
    return sorted(n for n in names if pair_file(data_dir / n, TARGET_SUFFIX).is_file())


def select_sources(
    data_dir: Path, requested: Sequence[str] | None = None
) -> tuple[Selection, dict[str, SourceInfo]]:
    """Decide which sources to train on.

    ``requested`` None (the default) keeps every available source whose licence SOURCES.md
    states. ``["all"]`` keeps every available source. Otherwise exactly the named sources are
    used (an unknown name is an error); naming a source without a stated licence is allowed but
    produces a warning, since the user made that choice explicitly.
    """
    sources_md = data_dir / "SOURCES.md"
    table = parse_sources_table(sources_md) if sources_md.is_file() else {}
    present = available_sources(data_dir)
    selection = Selection()

    if requested is not None and list(requested) != ["all"]:
        unknown = [n for n in requested if n not in present]
        if unknown:
            raise ValueError(
                f"unknown source(s) {', '.join(unknown)} in {data_dir} "
                f"(available: {', '.join(present)})"
            )
        for name in present:
            if name not in requested:
                selection.excluded[name] = "not in --sources"
        for name in requested:
            selection.included.append(name)
            info = table.get(name)
            if info is None:
                selection.warnings.append(
                    f"{name}: not listed in SOURCES.md, licence unknown (used because named)"
                )
            elif not info.licence_stated:
                selection.warnings.append(
                    f"{name}: SOURCES.md states no licence ({info.licence!r}); "
                    "used because named in --sources"
                )
        return selection, table

    for name in present:
        info = table.get(name)
        if requested is not None:  # "all"
            selection.included.append(name)
            if info is None or not info.licence_stated:
                licence = info.licence if info else "not listed in SOURCES.md"
                selection.warnings.append(
                    f"{name}: no stated licence ({licence!r}); used because of --sources all"
                )
        elif info is None:
            reason = "no SOURCES.md" if not table else "not listed in SOURCES.md"
            selection.excluded[name] = f"licence unknown ({reason})"
        elif not info.licence_stated:
            selection.excluded[name] = f"SOURCES.md states no licence: {info.licence!r}"
        else:
            selection.included.append(name)
    return selection, table


def select_from_folders(
    data_dirs: Sequence[Path], requested: Sequence[str] | None = None
) -> tuple[Selection, dict[str, SourceInfo], dict[str, Path]]:
    """:func:`select_sources` over several data folders, each with its own SOURCES.md.

    The licence rule is applied per folder with that folder's table, so a source is judged by
    the table that describes it. Source names must be unique across folders (a name on its own
    must say which files ``--sources`` means). Returns the merged selection, the merged tables
    and each available source's folder.
    """
    where: dict[str, Path] = {}
    for folder in data_dirs:
        if not folder.is_dir():
            raise FileNotFoundError(f"data folder {folder} not found")
        for name in available_sources(folder):
            if name in where:
                raise ValueError(f"source {name} is in both {where[name]} and {folder}: rename one")
            where[name] = folder
    explicit = requested is not None and list(requested) != ["all"]
    if explicit:
        unknown = [n for n in requested or () if n not in where]
        if unknown:
            raise ValueError(
                f"unknown source(s) {', '.join(unknown)} (available: {', '.join(sorted(where))})"
            )
    merged, tables = Selection(), {}
    for folder in data_dirs:
        wanted = [n for n in requested or () if where[n] == folder] if explicit else requested
        selection, table = select_sources(folder, wanted)
        merged.excluded.update(selection.excluded)
        merged.warnings.extend(selection.warnings)
        merged.included.extend(selection.included)
        tables.update({k: v for k, v in table.items() if where.get(k, folder) == folder})
    if explicit:
        merged.included = list(requested or ())
    return merged, tables, where


def normalise(text: str) -> str:
    """NFC-normalise and trim a line; tabs and inner newlines become spaces."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.replace("\t", " ").split())


def _read_lines(path: Path) -> list[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="\n") as handle:
            return [line.rstrip("\n").rstrip("\r") for line in handle]
    except (lzma.LZMAError, EOFError) as exc:
        raise ValueError(f"{path}: not a valid xz file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_pairs(prefix: Path) -> tuple[list[str], list[str]]:
    """Read ``PREFIX.ko`` / ``PREFIX.en`` raw lines (or their ``.xz``); the line counts must
    match."""
    src_path = pair_file(prefix, SOURCE_SUFFIX)
    tgt_path = pair_file(prefix, TARGET_SUFFIX)
    src, tgt = _read_lines(src_path), _read_lines(tgt_path)
    if len(src) != len(tgt):
        raise ValueError(f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}")
    return src, tgt


def clean_pairs(
    src: Iterable[str], tgt: Iterable[str], max_chars: int
) -> tuple[list[str], list[str], int]:
    """NFC-normalise pairs and drop empty or overlong ones; returns (src, tgt, n_skipped)."""
    out_src: list[str] = []
    out_tgt: list[str] = []
    skipped = 0
    for s, t in zip(src, tgt):
        s, t = normalise(s), normalise(t)
        if not s or not t or len(s) > max_chars or len(t) > max_chars:
            skipped += 1
            continue
        out_src.append(s)
        out_tgt.append(t)
    return out_src, out_tgt, skipped


def load_corpus(data_dir: Path | Mapping[str, Path], names: Sequence[str],
                max_chars: int) -> Corpus:
    """Read and clean the chosen sources into one corpus (``data_dir``: one folder, or each
    name's folder as :func:`select_from_folders` returns them)."""
    corpus = Corpus()
    for name in names:
        folder = data_dir if isinstance(data_dir, Path) else data_dir[name]
        raw_src, raw_tgt = read_pairs(folder / name)
        src, tgt, skipped = clean_pairs(raw_src, raw_tgt, max_chars)
        corpus.sources.extend(src)
        corpus.targets.extend(tgt)
        corpus.origin.extend([name] * len(src))
        corpus.kept[name] = len(src)
        corpus.skipped[name] = skipped
        logger.info("source %s: %d pairs kept, %d skipped (empty or > %d chars)",
                    name, len(src), skipped, max_chars)
    total = max(len(corpus), 1)
    logger.info("pairs per source: %s", ", ".join(
        f"{name} {n:,} ({100 * n / total:.0f} %)" for name, n in corpus.kept.items()))
    return corpus


def describe_sources(data_dirs: Sequence[Path]) -> str:
    """A short text for ``--help``: what the default selection keeps and leaves out here."""
    lines = []
    for data_dir in data_dirs:
        if not data_dir.is_dir():
            lines.append(f"(data directory {data_dir} not found)")
        elif not (data_dir / "SOURCES.md").is_file():
            lines.append(f"(no SOURCES.md found in {data_dir}; "
                         "by default none of its sources is used)")
    selection, _, _ = select_from_folders([d for d in data_dirs if d.is_dir()])
    lines += [f"Default selection in {', '.join(map(str, data_dirs))}:",
              f"  used: {', '.join(selection.included) or '(none)'}"]
    for name, reason in selection.excluded.items():
        lines.append(f"  excluded: {name} ({reason})")
    return "\n".join(lines)
