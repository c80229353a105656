"""The terminology layer: curated glossary, term matching in Korean text, and checking.

It knows no translation engine, so the same checks serve machine output and human
translations alike (``glossary check`` on a TMX from a vendor, say). The records it produces
(:class:`bitext.records.TermRecord`) belong to the core every layer shares.
"""
from bitext.errors import InputError
from bitext.records import TermRecord, TermStatus
from glossary.check import check_segment, find_rendering
from glossary.load import load_glossary
from glossary.match import TermMatch, TermMatcher
from glossary.model import Context, Example, Glossary, GlossaryError, Location, Term

__all__ = [
    "Context", "Example", "Glossary", "GlossaryError", "InputError", "Location", "Term",
    "TermMatch", "TermMatcher", "TermRecord", "TermStatus", "check_segment",
    "find_rendering", "load_glossary",
]
