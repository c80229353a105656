"""Repetition: a word or phrase looping, the typical failure of a decoder that lost its way
("Infection Infection Infectory", "Alzheimer's, Alzheimer's, and")."""
from __future__ import annotations

import re

from .issue import QAIssue

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Words English doubles on purpose ("very, very", "had had", "that that", "bye-bye").
LEGIT_DOUBLES = frozenset([
    "very", "had", "that", "bye", "no", "so", "ha", "yes", "well", "knock", "chop", "now",
    "far", "many", "tut", "there", "again", "ho", "hee", "boo", "go", "pretty", "really",
    "much", "is"
])
MIN_STEM = 5         # shared prefix that makes Infection / Infectory one stem
MAX_NGRAM = 6


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _stem_run(words: list[str], i: int) -> int:
    """How many words from ``i`` on share one stem of at least MIN_STEM letters."""
    stem = words[i][:MIN_STEM]
    if len(stem) < MIN_STEM or not stem.isalpha():
        return 1
    j = i + 1
    while j < len(words) and words[j][:MIN_STEM] == stem:
        j += 1
    return j - i


def check_repetition(translation: str) -> list[QAIssue]:
    """Flags (error): an n-gram (1 to 6 words) repeated back to back, punctuation between
    allowed ("Alzheimer's, Alzheimer's"), except the doubles English uses on purpose; and
    three or more words in a row on one stem ("Infection Infection Infectory").
    "step by step", "more and more" and "again and again" are not back to back and pass."""
    matches = _words(translation)
    words = [m.group().lower() for m in matches]
    issues: list[QAIssue] = []
    i = 0
    while i < len(words):
        run = _stem_run(words, i)
        if run >= 3:
            issues.append(QAIssue("repetition", "error", "target", matches[i].start(),
                                  matches[i + run - 1].end(),
                                  f"{run} words in a row on the stem '{words[i][:MIN_STEM]}'"))
            i += run
            continue
        found = 0
        for n in range(1, MAX_NGRAM + 1):
            if i + 2 * n > len(words):
                break
            if words[i:i + n] == words[i + n:i + 2 * n]:
                if n == 1 and (words[i] in LEGIT_DOUBLES or words[i].isdigit()
                               or len(words[i]) == 1):
                    continue
                found = n
                break
        if found:
            span_end = i + 2 * found
            while (span_end + found <= len(words)
                   and words[span_end:span_end + found] == words[i:i + found]):
                span_end += found
            phrase = translation[matches[i].start():matches[i + found - 1].end()]
            times = (span_end - i) // found
            issues.append(QAIssue("repetition", "error", "target", matches[i].start(),
                                  matches[span_end - 1].end(),
                                  f"'{phrase}' repeated {times} times in a row"))
            i = span_end
            continue
        i += 1
    return issues
