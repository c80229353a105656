"""English inflection for the checker: a glossary target counts in any regular form.

Why both ways: glossaries list targets as the client wrote them, sometimes plural (vehicle
components), sometimes singular (customer touchpoint); a translation may use either number, a
possessive (HVAC's) or, for a verb entry (구독하다 → subscribe), a tense.  Only regular forms are
generated: irregular plurals and verbs (analyses, ran) are not recognised.
"""
from __future__ import annotations

import re

POSSESSIVE = r"(?:'s|’s|'|’)?"


def _bases(word: str) -> set[str]:
    """The word and, if it looks plural, its singular."""
    if word.endswith("ies") and len(word) > 4:
        return {word, word[:-3] + "y"}
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return {word, word[:-2], word[:-1]}
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return {word, word[:-1]}
    return {word}


def _forms(base: str) -> set[str]:
    """Regular plural and verb forms of a lowercase base."""
    forms = {base, base + "s", base + "es", base + "ed", base + "ing"}
    if len(base) > 2 and base.endswith("y") and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    return forms


def word_pattern(word: str) -> str:
    """Regex for an English word in any of its forms, possessive allowed.

    Lowercase words get regular plural and verb forms both ways; acronyms a plural -s (EVs,
    HVACs); capitalised or mixed-case words (Intelligence, webOS) stay as written.
    """
    if word.islower() and word.isalpha():
        forms = {f for base in _bases(word) for f in _forms(base)}
        return f"(?:{'|'.join(map(re.escape, sorted(forms, key=len, reverse=True)))})" + POSSESSIVE
    if word.isupper() and word.isalpha() and len(word) > 1:
        return re.escape(word) + "s?" + POSSESSIVE
    return re.escape(word)
