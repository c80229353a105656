"""Term artefacts: what forcing a glossary term can leave behind even when the term is "applied".

A decoder forced to write a term sometimes glues its own next word onto it ("HVACOPPPO"),
writes the term a second time, or drops a neighbouring word it had in its first pass (냉난방 공조
매출 → "The refrigerator HVAC increased": 매출 "sales" lost). The term check counts the term as
applied in all three; these findings say what else happened. (A term rendered *beside* the
model's own rendering of the same Korean, "The refrigerator HVAC", needs the attention and is
found on the engine side, in ``translate.enforce``.)
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .issue import QAIssue
from .lexicon import Lexicon, target_stems

CODE = "term-artefact"
# what may follow a term inside its word without being glued: plural, possessive, -ed
_INFLECTION = re.compile(r"(?:e?s|['’]s?|e?d)(?![^\W_])", re.UNICODE)


def _occurrences(target: str, text: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``target`` in ``text``, word edges or not."""
    return [m.span() for m in re.finditer(re.escape(target), text, re.IGNORECASE)]


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and (text[start - 1].isalnum()):
        start -= 1
    while end < len(text) and (text[end].isalnum()):
        end += 1
    return start, end


def glued(translation: str, targets: Sequence[str], known: frozenset[str] = frozenset()
          ) -> list[QAIssue]:
    """A target with letters or digits stuck to it ("HVACOPPPO", "theHVAC"), written as the
    glossary has it (so "AI" in "said" is no finding); a plural or possessive ending is not
    glue, nor a word English has (``known``: stems, see :mod:`.lexicon`) such as "wholesales"
    around "sales"."""
    issues = []
    for target in dict.fromkeys(t for t in targets if len(t.strip()) >= 2):
        forms = {target, target[:1].upper() + target[1:]}
        spans = sorted({sp for f in forms
                        for sp in (m.span() for m in re.finditer(re.escape(f), translation))})
        for start, end in spans:
            left = start > 0 and target[0].isalnum() and translation[start - 1].isalnum()
            rest = translation[end:]
            right = (target[-1].isalnum() and rest[:1].isalnum()
                     and not _INFLECTION.match(rest))
            if not (left or right):
                continue
            # the word holding the glued edge, unless English has it ("wholesales")
            a, b = _word_around(translation, start, start + 1) if left else _word_around(
                translation, end - 1, end)
            if not set(target_stems(translation[a:b])) <= known:
                issues.append(QAIssue(CODE, "error", "target", a, b,
                                      f"the term '{target}' is glued to other letters "
                                      f"('{translation[a:b]}')"))
    return issues


def repeated(translation: str, wanted: Counter[str]) -> list[QAIssue]:
    """A target written more often (as a whole word) than the source has its term."""
    issues = []
    for target, n in wanted.items():
        spans = [(a, b) for a, b in _occurrences(target, translation)
                 if not (a > 0 and translation[a - 1].isalnum())
                 and not (translation[b:b + 1].isalnum() and not _INFLECTION.match(
                     translation[b:]))]
        if len(spans) > n:
            a, b = spans[n]
            issues.append(QAIssue(CODE, "error", "target", a, b,
                                  f"the term '{target}' is written {len(spans)} times for "
                                  f"{n} in the source"))
    return issues


def lost(source: str, translation: str, draft: str | None, source_tokens: Sequence[str],
         term_surfaces: Sequence[str], lexicon: Lexicon) -> list[QAIssue]:
    """Korean words the first pass rendered and the final text no longer does (lexicon
    renderings), outside the terms themselves: content a forced term pushed out."""
    if not draft or draft == translation or not source_tokens:
        return []
    had, has = set(target_stems(draft)), set(target_stems(translation))
    issues = []
    for token in dict.fromkeys(source_tokens):
        if any(token in s for s in term_surfaces):
            continue
        likely = lexicon.renderings(token)
        in_draft = [e for e in likely if e in had]
        if in_draft and not any(e in has for e in likely):
            at = source.find(token)
            a, b = (at, at + len(token)) if at >= 0 else (0, len(source))
            issues.append(QAIssue(CODE, "warning", "source", a, b,
                                  f"{token} ('{in_draft[0]}…' in the first pass) has no "
                                  "counterpart in the translation after the terms were "
                                  "enforced"))
    return issues
