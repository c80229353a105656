"""Untranslated text: Hangul left in the English, Latin-script source tokens left out of it."""
from __future__ import annotations

import re

from .issue import QAIssue

_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
# Latin tokens of the source: LG, CES, B2B, 5G, webOS, ASCI, e-commerce, AT&T, C++
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z0-9])[0-9]*[A-Za-z][A-Za-z0-9]*(?:[&+.'\-][A-Za-z0-9]+)*\+*")
_GLOSS_BEFORE = re.compile(r"[\uac00-\ud7a3]\s?\(\s*$")
_GLOSS_AFTER = re.compile(r"\s*\)")
_AFTER_HANGUL = re.compile(r"[\uac00-\ud7a3] ?$")
# Units and abbreviations a translation legitimately spells out (km -> kilometres).
SPELLED_OUT = frozenset([
    "km", "kg", "mg", "cm", "mm", "ml", "kw", "kwh", "mw", "gw", "gb", "mb", "tb", "kb", "ghz",
    "mhz", "hz", "m", "g", "l", "t", "am", "pm", "no", "vs", "etc", "ie", "eg", "p"
])


def check_untranslated(source: str, translation: str) -> list[QAIssue]:
    """Every Hangul run in the translation is an error, unless the source has none either
    (then the 'translation' is not Korean→English and the check says nothing)."""
    if not _HANGUL_RUN.search(source):
        return []
    return [QAIssue("untranslated", "error", "target", m.start(), m.end(),
                    f"Hangul left in the translation: {m.group()}")
            for m in _HANGUL_RUN.finditer(translation)]


def check_latin(source: str, translation: str) -> list[QAIssue]:
    """A Latin-script token of the source (brand, product, acronym) that the translation does
    not contain, compared case-insensitively as a whole word (a plural -s is allowed: CEO ->
    CEOs; after a Korean syllable it may end a word: 웹OS -> webOS). Warning: a translator may
    expand an acronym on purpose. An acronym in brackets right after a Korean name
    (세계무역기구(WTO)) only glosses it and is not required."""
    issues = []
    seen: set[str] = set()
    for m in _LATIN_TOKEN.finditer(source):
        token = m.group()
        key = token.lower()
        if key in seen or key.lstrip("0123456789") in SPELLED_OUT or len(key) == 1:
            continue
        if _GLOSS_BEFORE.search(source, 0, m.start()) and _GLOSS_AFTER.match(source, m.end()):
            continue          # 유럽연합(EU): a gloss of the Korean name; "European Union" is fine
        seen.add(key)
        # 웹OS -> webOS: after a Korean syllable the token may end an English word
        head = r"[A-Za-z]*" if _AFTER_HANGUL.search(source, 0, m.start()) else ""
        pattern = rf"(?<![A-Za-z0-9]){head}{re.escape(token)}(?:'?s)?(?![A-Za-z0-9])"
        if not re.search(pattern, translation, re.IGNORECASE):
            issues.append(QAIssue("latin-missing", "warning", "source", m.start(), m.end(),
                                  f"{token} is not in the translation"))
    return issues
