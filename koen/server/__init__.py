"""``translate serve``: the engine with its enforced glossary over HTTP.

Modules, outside in: ``serve`` (the command), ``app`` (the ASGI app and its middleware),
``libre``/``deepl``/``native`` (one per API: wire format ↔ service calls), ``service``
(what the APIs share: limits, errors, the translation entry points), ``batching`` (the
queue that makes one engine call of many requests), ``glossaries`` (curated + API
glossaries, one Translator per mix), ``markup`` (HTML/XML snippets as documents),
``text``, ``filestore``, ``auth``, ``settings``; ``static/`` is the web page.
"""
