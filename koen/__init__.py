"""The top floor: the commands people run (``translate``, ``glossary``) and, later, the server.

It sits above every other layer (bitext → glossary → translate → documents → koen) so that a
command can reach the document layer; nothing below imports it.
"""

from koen.install_check import exit_on_collision

exit_on_collision()     # before any command imports translate.*: one line, not a traceback
