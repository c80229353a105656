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
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bitext.errors import InputError
from translate.families import ARGOS, Family, FamilyError, detect, tokenizer_files

ENV_VAR = "KOEN_MODEL"
DEFAULT_NAME = "ko-en-small"
DATA_DIR = "koen-terminology"   # share/<DATA_DIR>/models/ in a non-editable install

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
    repo = Path(__file__).resolve().parents[1] / "resources" / "models" / DEFAULT_NAME
    installed = Path(sys.prefix) / "share" / DATA_DIR / "models" / DEFAULT_NAME
    user = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return [repo, installed, user / DATA_DIR / "models" / DEFAULT_NAME]


def candidates(explicit: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """(how it was chosen, path) in the order the toolkit tries them."""
    found: list[tuple[str, Path]] = []
    if explicit:
        found.append(("--model", Path(explicit)))
    if os.environ.get(ENV_VAR):
        found.append((f"${ENV_VAR}", Path(os.environ[ENV_VAR])))
    found += [("default", p) for p in default_locations()]
    return found


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
        path = ct2_dir / f"{name}.json"
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                raise ModelError(f"corrupt vocabulary: {e}", str(path)) from None
            if not isinstance(data, list):
                raise ModelError("vocabulary is not a JSON list", str(path))
            tokens.update(data)
        elif path.with_suffix(".txt").exists():
            text = path.with_suffix(".txt").read_text(encoding="utf-8")
            tokens.update(text.split("\n"))
    return tokens


def _argos_root(p: Path) -> Path | None:
    for root in (p, *[c for c in sorted(p.iterdir()) if c.is_dir()]):
        if (root / "model" / "model.bin").exists() and (root / "sentencepiece.model").exists():
            return root
    return None


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / DATA_DIR


def extract_argos(archive: Path) -> Path:
    """Unzip once into the cache, refusing any member that would land outside the target."""
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = cache_dir() / "argos" / f"{archive.stem}-{digest}"
    if target.exists():
        return target
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    root = tmp.resolve()
    try:
        with zipfile.ZipFile(archive) as z:
            for member in z.infolist():
                dest = (root / member.filename).resolve()
                if not dest.is_relative_to(root) or member.filename.startswith("/"):
                    raise ModelError(f"unsafe path in archive: {member.filename!r}", str(archive))
                if member.external_attr >> 16 & 0o170000 == 0o120000:
                    raise ModelError(f"symbolic link in archive: {member.filename!r}",
                                     str(archive))
            z.extractall(root)
    except zipfile.BadZipFile as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(f"corrupt .argosmodel: {e}", str(archive)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.replace(tmp, target)
    return target
