"""The project's own training recipe for Korean→English CTranslate2 models.

Run it as ``python -m translate.train --output DIR`` (see ``--help``). Modules:

* ``sources``   — SOURCES.md licence table, source selection, reading/cleaning pairs
* ``vocab``     — SentencePiece models (``source.spm``/``target.spm``) and the shared vocabulary
* ``augment``   — term-append augmentation (``<sep>`` + target n-grams)
* ``batching``  — token ids in int32 arrays, token-budgeted batches built ahead (DataLoader)
* ``model``     — the Marian-style post-norm Transformer (PyTorch)
* ``trainer``   — optimisation loop with time/step budgets and best-on-dev checkpoint
* ``export``    — CTranslate2 export through ``ctranslate2.specs`` + ``toolkit.json``
* ``verify``    — PyTorch vs CTranslate2 agreement check (also ``python -m translate.train.verify``)
* ``evaluate``  — dev and test chrF/BLEU of the export, on the text ``translate`` outputs
* ``model_card``— README.md of the exported model
* ``pipeline``  — the whole recipe; ``cli`` — its command line

PyTorch is needed only for training (the ``train`` extra); importing this package does not
import it.
"""
