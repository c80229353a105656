"""The terminology layer: curated glossary, term matching in Korean text, and checking.

It knows no translation engine, so the same checks serve machine output and human
translations alike (``glossary check`` on a TMX from a vendor, say).
"""
from glossary.errors import GlossaryError, InputError
from glossary.model import Context, Example, Glossary, Location, Term
from glossary.load import load_glossary
from glossary.match import TermMatch, TermMatcher
from glossary.check import TermStatus, TermRecord, check_segment, find_rendering

__all__ = [
    "Context", "Example", "Glossary", "GlossaryError", "InputError", "Location", "Term",
    "TermMatch", "TermMatcher", "TermRecord", "TermStatus", "check_segment",
    "find_rendering", "load_glossary",
]
