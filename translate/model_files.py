"""Where the model is, which layout it has (converted CTranslate2 directory, Argos package or
zip) and which family its files say it belongs to (translate/families.py).

Kept apart from the engine so ``translate --list-models`` and error messages can explain the
search without loading any weights.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bitext.errors import InputError
from bitext.resources import DATA_DIR, data_locations
from translate.families import ARGOS, Family, FamilyError, detect, tokenizer_files

ENV_VAR = "KOEN_MODEL"
DEFAULT_NAME = "ko-en-small"
MB = 1 << 20
MAX_UNPACKED_MB = 1024          # Argos packages unpack to 100-400 MB (a bomb: 53 MB to 2.1 GB)
MAX_UNPACKED_ENV = "KOEN_MAX_UNPACKED_MB"
STALE_PARTIAL_SECONDS = 24 * 3600
MAX_RATIO = 100                 # model weights barely compress; zip bombs compress 1000x

HOW_TO_GET_ONE = (
    "get a CTranslate2 ko→en model: convert OPUS-MT with "
    "`pip install transformers sentencepiece && ct2-transformers-converter --model "
    "Helsinki-NLP/opus-mt-ko-en --output_dir ko-en` and copy source.spm/target.spm into it "
    "(NLLB-200, M2M-100, MADLAD-400 and chat LLMs: see the README), "
    "or pass an Argos `.argosmodel` file; then use --model DIR or set "
    f"{ENV_VAR}=DIR"
)
VOCABULARIES = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")
DECODER_VOCABULARY = "vocabulary"   # what CTranslate2 writes for decoder-only models


class ModelError(InputError):
    """A model that is missing or unusable; the message says what to do."""


@dataclass(frozen=True)
class ModelFiles:
    """A CTranslate2 model directory and the tokenizer files that go with it.

    ``source_spm``/``target_spm`` are SentencePiece models, or the same ``tokenizer.json``
    for chat LLMs that ship only that.
    """

    ct2_dir: Path
    source_spm: Path
    target_spm: Path
    layout: str                 # "argos", else the family name ("opus-mt", "nllb", "qwen", …)
    meta: dict = field(default_factory=dict, compare=False)  # toolkit.json, if any
    family: Family = field(default=ARGOS, compare=False)

    @property
    def name(self) -> str:
        return self.meta.get("name") or self.ct2_dir.name

    @property
    def term_hint_separator(self) -> str | None:
        hints = self.meta.get("term_hints") or {}
        return hints.get("separator")

    @property
    def append_source_eos(self) -> bool:
        if "append_source_eos" in self.meta:
            return bool(self.meta["append_source_eos"])
        if self.layout == "argos":
            return False
        config = _read_json(self.ct2_dir / "config.json")
        return not config.get("add_source_eos", False)


def _read_json(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ModelError(f"corrupt JSON: {e}", str(path)) from None
    return data if isinstance(data, dict) else {}


def default_locations() -> list[Path]:
    """The documented default places, in search order, after --model and $KOEN_MODEL."""
    return data_locations("models", DEFAULT_NAME)


def candidates(explicit: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """(how it was chosen, path) in the order the toolkit tries them."""
    found: list[tuple[str, Path]] = []
    if explicit:
        found.append(("--model", Path(explicit)))
    if os.environ.get(ENV_VAR):
        found.append((f"${ENV_VAR}", Path(os.environ[ENV_VAR])))
    found += [("default", p) for p in default_locations()]
    return found


def chosen_candidate(explicit: str | os.PathLike | None = None) -> Path | None:
    """The path :func:`locate_model` opens (an explicit choice even if absent), or None."""
    return next((path for how, path in candidates(explicit)
                 if how != "default" or path.exists()), None)


def locate_model(explicit: str | os.PathLike | None = None) -> ModelFiles:
    """The first candidate that exists; an explicit choice that fails is an error, not skipped."""
    tried = []
    for how, path in candidates(explicit):
        if how != "default" or path.exists():
            return open_model(path)
        tried.append(str(path))
    raise ModelError(f"no model found (looked in {', '.join(tried)}); {HOW_TO_GET_ONE}", None)


def open_model(path: str | os.PathLike) -> ModelFiles:
    """Recognise the layout at ``path``; unzip an ``.argosmodel`` into the cache first."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(f"model not found; {HOW_TO_GET_ONE}", str(p))
    if p.is_file():
        if not zipfile.is_zipfile(p):
            raise ModelError("not a model directory or .argosmodel zip", str(p))
        p = extract_argos(p)
    if (p / "model.bin").exists():
        return _converted(p, _read_json(p / "toolkit.json"))
    package = _argos_root(p)
    if package is not None:
        spm = package / "sentencepiece.model"
        meta = _read_json(package / "toolkit.json")
        family = _family(package / "model", meta, layout="argos")
        return ModelFiles(package / "model", spm, spm, "argos", meta, family)
    raise ModelError("no model.bin here: not a CTranslate2 model directory (OPUS-MT layout) "
                     f"or Argos package; {HOW_TO_GET_ONE}", str(p))


def _converted(p: Path, meta: dict) -> ModelFiles:
    """A directory written by a CTranslate2 converter, with the family's tokenizer files."""
    family = _family(p, meta)
    try:
        source, target = tokenizer_files(family, p)
    except FamilyError as e:
        raise ModelError(str(e), str(p)) from None
    return ModelFiles(p, source, target, family.name, meta, family)


def _family(ct2_dir: Path, meta: dict, layout: str | None = None) -> Family:
    decoder_only = any((ct2_dir / f"{DECODER_VOCABULARY}.{ext}").exists()
                       for ext in ("json", "txt"))
    names = (DECODER_VOCABULARY,) if decoder_only else VOCABULARIES
    try:
        return detect(read_vocabulary(ct2_dir, names), decoder_only, meta.get("family"),
                      layout)
    except FamilyError as e:
        where = ct2_dir / "toolkit.json" if meta.get("family") else ct2_dir
        raise ModelError(str(e), str(where)) from None


def read_vocabulary(ct2_dir: Path, names: tuple[str, ...] = VOCABULARIES) -> set[str]:
    """Tokens of a converted model (JSON list, or one token a line in older conversions)."""
    tokens: set[str] = set()
    for name in names:
        tokens.update(_vocabulary_file(ct2_dir, name) or [])
    return tokens


def target_vocabulary(ct2_dir: Path) -> list[str]:
    """The decoder's tokens in id order (what a logits vector is indexed by)."""
    for name in ("target_vocabulary", "shared_vocabulary", DECODER_VOCABULARY):
        tokens = _vocabulary_file(ct2_dir, name)
        if tokens is not None:
            return tokens
    raise ModelError("no target vocabulary", str(ct2_dir))


def _vocabulary_file(ct2_dir: Path, name: str) -> list[str] | None:
    path = ct2_dir / f"{name}.json"
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelError(f"corrupt vocabulary: {e}", str(path)) from None
        if not isinstance(data, list):
            raise ModelError("vocabulary is not a JSON list", str(path))
        return data
    if path.with_suffix(".txt").exists():
        return path.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
    return None


def _argos_root(p: Path) -> Path | None:
    for root in (p, *[c for c in sorted(p.iterdir()) if c.is_dir()]):
        if (root / "model" / "model.bin").exists() and (root / "sentencepiece.model").exists():
            return root
    return None


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / DATA_DIR


def _max_unpacked() -> int:
    """Bytes an archive may unpack to: ``$KOEN_MAX_UNPACKED_MB`` or :data:`MAX_UNPACKED_MB`."""
    raw = os.environ.get(MAX_UNPACKED_ENV)
    try:
        return int(float(raw) * MB) if raw else MAX_UNPACKED_MB * MB
    except ValueError:
        raise ModelError(f"{MAX_UNPACKED_ENV} must be a number of megabytes, not {raw!r}",
                         None) from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_members(z: zipfile.ZipFile, archive: Path, root: Path, limit: int) -> None:
    """Refuse escapes, links, and sizes over the limit *before* writing anything."""
    declared = 0
    for member in z.infolist():
        dest = (root / member.filename).resolve()
        if not dest.is_relative_to(root) or member.filename.startswith("/"):
            raise ModelError(f"unsafe path in archive: {member.filename!r}", str(archive))
        if member.external_attr >> 16 & 0o170000 == 0o120000:
            raise ModelError(f"symbolic link in archive: {member.filename!r}", str(archive))
        declared += member.file_size
        if member.file_size > MB and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ModelError(f"{member.filename!r} would unpack {member.file_size:,} bytes from "
                             f"{member.compress_size:,} (over {MAX_RATIO}x: a zip bomb?)",
                             str(archive))
        if declared > limit:
            raise ModelError(f"archive unpacks to over {limit // MB:,} MB (raise "
                             f"{MAX_UNPACKED_ENV} if this model really is that large)",
                             str(archive))


def _unpack(z: zipfile.ZipFile, archive: Path, root: Path, limit: int) -> None:
    """Copy member by member, counting the bytes really written (headers can lie)."""
    written = 0
    for member in z.infolist():
        dest = root / member.filename
        if member.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        with z.open(member) as src, open(dest, "wb") as out:
            while block := src.read(MB):
                written += len(block)
                if written > limit:
                    raise ModelError(f"archive unpacks to over {limit // MB:,} MB (raise "
                                     f"{MAX_UNPACKED_ENV} if this model really is that large)",
                                     str(archive))
                out.write(block)


def _sweep_stale(target: Path) -> None:
    """Remove temporary folders a killed run left (``kill -9`` skips every cleanup); only
    those a day old, so a run unpacking right now is never touched."""
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for stale in target.parent.glob(f".{target.name}.*.partial"):
        try:
            if stale.stat().st_mtime < cutoff:
                shutil.rmtree(stale, ignore_errors=True)
        except FileNotFoundError:
            pass


def extract_argos(archive: Path) -> Path:
    """Unzip once into the cache, refusing any member that would land outside the target
    and any archive that unpacks past the size limit (declared or actually written).

    Safe when several runs unpack the same archive at once: each unpacks into its own
    temporary folder beside the target and renames it into place; the first rename wins,
    the others remove their copy and use the winner's.  Nothing half-unpacked is ever
    visible under the target name, and a failed run leaves no folder behind.
    """
    target = cache_dir() / "argos" / f"{archive.stem}-{_sha256(archive)[:16]}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale(target)
    limit = _max_unpacked()
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial"))
    try:
        root = tmp.resolve()
        with zipfile.ZipFile(archive) as z:
            _check_members(z, archive, root, limit)
            _unpack(z, archive, root, limit)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():        # not a lost race: a real failure
                raise
    except zipfile.BadZipFile as e:
        raise ModelError(f"corrupt .argosmodel: {e}", str(archive)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
