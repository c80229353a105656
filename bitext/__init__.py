"""The core every layer stands on: errors, file I/O, XML, records, report, formats and QA.

Nothing here knows a glossary or an engine, so human translations (a vendor's TMX) and
machine output go through the same records, writers, readers and checks.
"""
