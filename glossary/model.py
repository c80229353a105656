"""The glossary as data: terms with their variants, forbidden renderings and context rules."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from bitext.errors import InputError


class GlossaryError(InputError):
    """A glossary file that cannot be used as it stands."""


@dataclass(frozen=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Context:
    """Words in the same sentence that decide whether a term applies.

    ``when``: apply only if one of these occurs; ``unless``: never apply if one occurs.
    Substring tests on purpose: context words carry particles too (병사들은).
    """

    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def allows(self, present: set[str]) -> bool:
        if any(w in present for w in self.unless):
            return False
        return not self.when or any(w in present for w in self.when)

    @property
    def words(self) -> tuple[str, ...]:
        return self.when + self.unless


@dataclass(frozen=True)
class Example:
    """A regression test for the terminology itself (``glossary test``)."""

    source: str
    translation: str | None = None
    contains: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()    # QA codes reviewed as false positives for this example


@dataclass(frozen=True)
class Term:
    source: str
    target: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    note: str | None = None
    context: Context = field(default_factory=Context)
    examples: tuple[Example, ...] = ()
    # False: match only as a word of its own (plus particles), never inside a noun compound or
    # before a suffix (전장사업본부, 구독형); for the rare term that means something else there.
    compounds: bool = True
    origin: Location | None = field(default=None, compare=False)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every source spelling: the headword first, then its variants."""
        return (self.source, *self.variants)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def match_key(text: str) -> str:
    """The spacing- and case-insensitive key two spellings share when they are the same term."""
    return "".join(nfc(text).split()).lower()


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the files it was read from

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)

    def lookup(self, source: str) -> Term | None:
        key = match_key(source)
        for term in self.terms:
            if any(match_key(s) == key for s in term.spellings):
                return term
        return None
