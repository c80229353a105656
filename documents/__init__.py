"""The document layer: files people have (XLIFF, PO, DOCX, HTML, Markdown, subtitles, app
strings) read into units with inline codes, translated through the pipeline, written back.

It sits above ``translate`` and below the commands (``koen``): format modules in
``documents/formats/`` know only their format; ``documents.model`` is the contract between
them and the layer.
"""
