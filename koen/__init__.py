"""The top floor: the commands people run (``translate``, ``glossary``) and, later, the server.

It sits above every other layer (bitext → glossary → translate → documents → koen) so that a
command can reach the document layer; nothing below imports it.
"""
