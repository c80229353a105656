"""Punctuation: brackets and quotes the translation leaves open, and a question or a
quotation of the source that the translation drops."""
from __future__ import annotations

import re

from .issue import QAIssue

PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”"}
CLOSERS = {v: k for k, v in PAIRS.items()}
# A quotation in Korean copy: straight or curly double quotes, corner brackets. Single quotes
# (‘공감지능’) mark emphasis or names and English drops them, so they do not count.
_SOURCE_QUOTE = re.compile(r'"[^"]+"|“[^”]+”|「[^」]+」|『[^』]+』')
_TARGET_QUOTE = re.compile(r'["“”]|(?<![A-Za-z])[‘\'][^‘’\']+[’\'](?![A-Za-z])')


def unbalanced(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what) for each bracket or curly quote left open or closed without an
    opener, and for an odd straight double quote (the last one)."""
    if ("“" in text) != ("”" in text):     # ”one style for both” (a typing habit): straight
        text = text.replace("“", '"').replace("”", '"')
    stack: list[tuple[int, str]] = []
    out = []
    for i, ch in enumerate(text):
        if ch in PAIRS:
            stack.append((i, ch))
        elif ch in CLOSERS:
            if stack and stack[-1][1] == CLOSERS[ch]:
                stack.pop()
            else:
                out.append((i, i + 1, f"'{ch}' closes nothing"))
    out.extend((i, i + 1, f"'{ch}' is never closed") for i, ch in stack)
    straight = [i for i, ch in enumerate(text) if ch == '"']
    if len(straight) % 2:
        out.append((straight[-1], straight[-1] + 1, "odd number of '\"' quotes"))
    return out


def check_punctuation(source: str, translation: str) -> list[QAIssue]:
    """Unbalanced target punctuation is an error, unless the source is unbalanced too (a quote
    spanning several sentences opens in one segment and closes in another). A question mark or
    a quotation of the source missing from the translation is a warning: indirect speech
    ("…냐고 물었다" has none) can legitimately drop them."""
    issues = []
    if not unbalanced(source):
        issues += [QAIssue("punctuation", "error", "target", s, e, f"unbalanced: {what}")
                   for s, e, what in unbalanced(translation)]
    q = source.find("?") if "?" in source else source.find("？")
    if q >= 0 and "?" not in translation and "？" not in translation:
        issues.append(QAIssue("punctuation", "warning", "source", q, q + 1,
                              "the source asks a question; the translation has no '?'"))
    quote = _SOURCE_QUOTE.search(source)
    if quote and not _TARGET_QUOTE.search(translation):
        issues.append(QAIssue("punctuation", "warning", "source", quote.start(), quote.end(),
                              "the source quotes someone; the translation has no quotation"))
    return issues
