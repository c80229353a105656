"""Small English repairs around a glossary term the engine was made to produce.

Forcing "HVAC" after a decoder chose "a" leaves "a HVAC"; forcing "vehicle components" at
the start leaves a lowercase sentence. Only the words touching the term are changed.
"""
from __future__ import annotations

import re

from glossary.check import find_rendering

_AN_LETTERS = set("AEFHILMNORSX")           # letter names that start with a vowel sound
_A_DESPITE_VOWEL = ("uni", "use", "usu", "uti", "eu", "one", "once", "ubiq", "uran")
_AN_DESPITE_CONSONANT = ("hour", "honest", "honor", "honour", "heir")


def article_for(phrase: str) -> str:
    """'a' or 'an' by the sound of the phrase's first word (acronyms by letter name)."""
    word = phrase.split()[0] if phrase.split() else phrase
    letters = re.sub(r"[^A-Za-z]", "", word)
    if not letters:
        return "a"
    if len(letters) > 1 and (letters.isupper() or letters[1:].isupper() and len(letters) <= 5):
        return "an" if letters[0].upper() in _AN_LETTERS else "a"
    low = letters.lower()
    if low.startswith(_AN_DESPITE_CONSONANT):
        return "an"
    if low.startswith(_A_DESPITE_VOWEL):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def fix_around(text: str, phrase: str) -> str:
    """Repair the article before, and the capital of, every occurrence of ``phrase``."""
    for start, _ in reversed(find_rendering(phrase, text)):
        before = text[:start]
        m = re.search(r"(?<![A-Za-z])(an?)\s+$", before, re.IGNORECASE)
        if m:
            want = article_for(text[start:])
            if m.group(1).lower() != want:
                if m.group(1)[0].isupper():
                    want = want.capitalize()
                text = before[: m.start(1)] + want + before[m.end(1):] + text[start:]
        elif not before.strip(" \"'“‘(") and phrase == phrase.lower() and text[start].islower():
            text = before + text[start].upper() + text[start + 1:]
    return text
