"""One module per document format; each exports ``EXTENSIONS`` and ``read`` (see
``documents.model``)."""
