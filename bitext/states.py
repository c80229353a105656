"""Which units of a bilingual file still need a translation: one classifier for every reader.

Pre-translation (``documents``) fills the units this calls ``FILL``; ``glossary check``
counts them as untranslated targets instead of judging an empty target as an omission. Both
must agree, so the reading of states lives here, below both.

CAT tools keep the progress of a unit in different places: XLIFF 1.2 ``state`` on
``<target>`` and ``approved`` on ``<trans-unit>``, XLIFF 2 ``state`` on ``<segment>``, memoQ
``mq:status``/``mq:locked`` on ``<trans-unit>`` (it ignores ``state``), Trados ``conf``/
``locked`` on ``<sdl:seg>`` (no ``state`` at all). Each is mapped to a :class:`Progress`, and
the most advanced one wins: a segment one tool calls final is never re-translated.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, IntEnum

MQ_NS = "MQXliff"
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LETTER = re.compile(r"[^\W\d_]")


class Disposition(str, Enum):
    FILL = "fill"    # needs a translation
    KEEP = "keep"    # has one, or is locked/final
    SKIP = "skip"    # nothing to translate

    def __str__(self) -> str:
        return self.value


class Progress(IntEnum):
    OPEN = 0         # not started: new, needs-translation, initial, NotStarted, no conf
    DONE = 1         # a translator produced it: translated, needs-review-*, Draft, …
    FINAL = 2        # reviewed, approved, signed off, locked: never touched


# XLIFF 1.2 target/@state (the spec's list; x-… values count as open).
XLIFF1_STATES = {
    "new": Progress.OPEN, "needs-translation": Progress.OPEN,
    "needs-adaptation": Progress.DONE, "needs-l10n": Progress.DONE,
    "needs-review-adaptation": Progress.DONE, "needs-review-l10n": Progress.DONE,
    "needs-review-translation": Progress.DONE, "translated": Progress.DONE,
    "signed-off": Progress.FINAL, "final": Progress.FINAL,
}
XLIFF2_STATES = {"initial": Progress.OPEN, "translated": Progress.DONE,
                 "reviewed": Progress.FINAL, "final": Progress.FINAL}
# memoQ mq:status (MemoQ.Common.TranslationState; memoQ's own mqxliff-js lists the newer ones).
MEMOQ_STATES = {
    "NotStarted": Progress.OPEN, "AutoSplitAndEmpty": Progress.OPEN,
    "PreTranslated": Progress.DONE, "MachineTranslated": Progress.DONE,
    "PartiallyEdited": Progress.DONE, "AssembledFromFragments": Progress.DONE,
    "AutoJoined": Progress.DONE, "AutoSplit": Progress.DONE, "Rejected": Progress.DONE,
    "ManuallyConfirmed": Progress.FINAL, "Reviewer1Confirmed": Progress.FINAL,
    "Reviewer2Confirmed": Progress.FINAL, "Proofread": Progress.FINAL,
    "Ackknowledged": Progress.FINAL,
}
# Trados sdl:seg/@conf; no conf at all is "Not Translated".
TRADOS_STATES = {
    "Draft": Progress.OPEN, "Translated": Progress.DONE, "RejectedTranslation": Progress.DONE,
    "RejectedSignOff": Progress.DONE, "ApprovedTranslation": Progress.FINAL,
    "ApprovedSignOff": Progress.FINAL,
}

# What pre-translation writes on what it filled (the README lists these).
XLIFF1_FILLED = "needs-review-translation"
XLIFF2_FILLED = "translated"
MEMOQ_FILLED = "MachineTranslated"
TRADOS_FILLED = {"conf": "Draft", "origin": "mt"}


TRANSLATE_NO = "translate=no"
BLANK = "whitespace only"
NOT_SEGMENTS = (TRANSLATE_NO, BLANK)   # reasons a unit is no segment at all (glossary check)


@dataclass(frozen=True)
class Verdict:
    disposition: Disposition
    reason: str      # for the report: "translate=no", "whitespace only", "state final", …

    @property
    def untranslated(self) -> bool:
        return self.disposition is Disposition.FILL


@dataclass(frozen=True)
class Signals:
    """What a reader found about one unit (or one segment of it)."""

    progress: tuple[tuple[str, Progress], ...] = ()   # (where it was read, its progress)
    translate: bool = True
    locked: bool = False


def xliff1_signals(unit: Mapping[str, str], target: Mapping[str, str] | None,
                   sdl_seg: Mapping[str, str] | None = None, *,
                   translate: bool = True) -> Signals:
    """Signals of an XLIFF 1.2 trans-unit (attribute maps with ``{ns}local`` keys), its
    ``<target>`` and, in a Trados file, its segment's ``<sdl:seg>``."""
    found: list[tuple[str, Progress]] = []
    locked = False
    state = (target or {}).get("state")
    if state is not None:
        found.append((f"state {state}", XLIFF1_STATES.get(state, Progress.OPEN)))
    if unit.get("approved") == "yes":
        found.append(("approved", Progress.FINAL))
    mq = unit.get(f"{{{MQ_NS}}}status")
    if mq is not None:
        found.append((f"mq:status {mq}", MEMOQ_STATES.get(mq, Progress.DONE)))
    locked |= unit.get(f"{{{MQ_NS}}}locked", "").lower() in ("locked", "true", "yes")
    if sdl_seg is not None:
        conf = sdl_seg.get("conf")
        found.append((f"sdl:seg conf {conf}" if conf else "sdl:seg not translated",
                      TRADOS_STATES.get(conf, Progress.DONE) if conf else Progress.OPEN))
        locked |= sdl_seg.get("locked") == "true"
    translate = translate and unit.get("translate", "yes") != "no"
    return Signals(tuple(found), translate, locked)


def xliff2_signals(segment: Mapping[str, str], *, translate: bool = True) -> Signals:
    """Signals of an XLIFF 2 ``<segment>`` (``translate`` inherited from file/group/unit)."""
    state = segment.get("state", "initial")
    return Signals(((f"state {state}", XLIFF2_STATES.get(state, Progress.OPEN)),), translate)


def has_source_text(text: str, source_lang: str = "ko") -> bool:
    """Korean needs Hangul (``OLED TV`` or a lone ``{0}`` is left as it is); another source
    language, named by the user, needs a letter."""
    lang = source_lang.lower()
    return bool((HANGUL if lang == "ko" or lang.startswith("ko-") else LETTER).search(text))


def classify(source: str, target: str | None, signals: Signals, *, source_lang: str = "ko",
             overwrite: bool = False) -> Verdict:
    """FILL a unit whose source has text to translate and whose target is missing, empty
    or a copy of the source, in a state that is not done; with ``overwrite``, any target
    that is not final or locked."""
    if not signals.translate:
        return Verdict(Disposition.SKIP, TRANSLATE_NO)
    if not source.strip():
        return Verdict(Disposition.SKIP, BLANK)
    if signals.locked:
        return Verdict(Disposition.KEEP, "locked")
    most = max(signals.progress, key=lambda p: p[1], default=("no state", Progress.OPEN))
    if most[1] is Progress.FINAL:
        return Verdict(Disposition.KEEP, most[0])
    if not has_source_text(source, source_lang):
        korean = source_lang.lower().split("-")[0] == "ko"
        return Verdict(Disposition.SKIP, "no Korean" if korean else f"no {source_lang} text")
    empty = target is None or not target.strip() or target.strip() == source.strip()
    if overwrite or (empty and most[1] is Progress.OPEN):
        return Verdict(Disposition.FILL, "untranslated" if empty else "overwrite")
    return Verdict(Disposition.KEEP, "translated" if not empty else most[0])
