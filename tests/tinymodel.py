"""Build a tiny but *real* CTranslate2 Korean→English model for unit tests.

Why: the engine must be tested against the real CTranslate2 runtime (beam search,
``target_prefix``, ``suppress_sequences``, attention) rather than a mock, yet the
suite has to run anywhere without network access or the shared model.  So we train
two SentencePiece models on a few hundred generated lines and wrap them around a
2-layer Transformer with seeded random weights.  The output is gibberish English
pieces, but the *shape* of everything (layouts, vocabularies, tokenisation of the
glossary terms, termination) is the real thing.

Termination: a random network tends to loop to ``max_decoding_length``.  We give the
decoder a private "clock" dimension (dim 0 of its position encodings is a ramp that
no embedding or sub-layer writes to) and let only the ``</s>`` logit read it, so the
EOS score rises steadily with the step and every hypothesis ends after ~10–20 steps,
whatever the input.

Layouts (see docs/CONTRACTS.md):
- OPUS-MT: ``model.bin``, ``config.json``, ``shared_vocabulary.json``, ``source.spm``,
  ``target.spm`` [+ ``toolkit.json`` when ``term_hints``].  Like converted OPUS-MT
  models: ``decoder_start_token`` = ``"</s>"`` with ``start_from_zero_embedding``,
  ``add_source_eos`` = false (the engine appends ``"</s>"`` itself).
- Argos: ``tiny-ko-en/{model/, sentencepiece.model, metadata.json}`` [zipped as
  ``tiny-ko-en.argosmodel``].  Like OpenNMT-py converted Argos models: one shared
  SentencePiece model, vocabulary = its pieces, ``decoder_start_token`` = ``"<s>"``,
  no source EOS.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import common_spec, transformer_spec

SEP = "<sep>"
D_MODEL = 32
FFN_DIM = 64
NUM_HEADS = 2
NUM_LAYERS = 2
MAX_POSITIONS = 512
# EOS logit = EOS_GAIN * clock - EOS_OFFSET; the clock (dim 0 after the final layer
# norm) grows with the step; other logits have std ~1, so EOS wins after ~10-20 steps.
EOS_GAIN = 4.0
EOS_OFFSET = 9.0

# ---------------------------------------------------------------------------
# Generated training text (parallel in spirit; only the monolingual sides are used)
# ---------------------------------------------------------------------------

# (Korean term variants with particles, English term)
_TERMS: list[tuple[list[str], str]] = [
    (["공감지능은", "공감지능을", "공감지능이", "공감지능"], "Affectionate Intelligence"),
    (["전장", "전장을", "전장은", "전장 사업"], "vehicle components"),
    (["냉난방공조와", "냉난방 공조", "냉난방공조를", "냉난방공조"], "HVAC"),
    (["빌트인", "빌트인 가전을", "빌트인은"], "built-in"),
    (["사이니지", "사이니지를", "사이니지는"], "signage"),
    (["구독", "구독 서비스를", "구독이"], "subscription"),
    (["웹OS", "웹OS를", "웹OS는"], "webOS"),
    (["전기차 충전", "전기차 충전을", "전기차 충전은"], "EV charging"),
    (["탈탄소화", "탈탄소화를", "탈탄소화는"], "decarbonization"),
    (["병사", "병사가", "병사들은"], "soldier"),
    (["전투", "전투를", "전투는"], "battle"),
    (["전장에서", "전장의"], "battlefield"),
]

_KO_TEMPLATES = [
    "회사는 {t} 강화한다.",
    "우리는 올해 {t} 확대할 계획입니다.",
    "{t} 고객 경험을 바꾸고 있다.",
    "새로운 {t} 시장에서 성장했다.",
    "{t} 관련 매출이 크게 늘었습니다.",
    "그는 {t} 중요하다고 말했다.",
    "{t} 통해 미래를 준비합니다.",
    "이번 분기에 {t} 투자를 늘렸다.",
]

_EN_TEMPLATES = [
    "The company is strengthening {t}.",
    "We plan to expand {t} this year.",
    "{t} is changing the customer experience.",
    "The new {t} business grew in the market.",
    "Sales related to {t} increased significantly.",
    "He said that {t} is important.",
    "We prepare for the future through {t}.",
    "This quarter we increased investment in {t}.",
]


def generate_corpus() -> tuple[list[str], list[str]]:
    """Return (korean_lines, english_lines), deterministic, a few hundred each.

    Every glossary term appears in many contexts so that the SentencePiece models
    split it into a few pieces (as a real model's would) instead of bytes.
    """
    ko = [tpl.format(t=v) for variants, _ in _TERMS for v in variants for tpl in _KO_TEMPLATES]
    en = [tpl.format(t=e) for _, e in _TERMS for tpl in _EN_TEMPLATES]
    en += [f"{a} and {b} are part of our strategy." for _, a in _TERMS for _, b in _TERMS if a != b]
    return ko, en


# ---------------------------------------------------------------------------
# SentencePiece
# ---------------------------------------------------------------------------


def _train_spm(lines: list[str], vocab_size: int, **options) -> bytes:
    """Train a BPE SentencePiece model in memory and return its serialized bytes.

    ``byte_fallback`` makes any character (e.g. an unseen Hangul syllable) encodable
    without ``<unk>``; the 256 byte pieces count towards ``vocab_size``.
    """
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        byte_fallback=True,
        num_threads=1,  # deterministic
        minloglevel=2,
        **options,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _word_pieces(model: bytes) -> set[str]:
    """Pieces that decode to real text (no control, unknown or byte pieces)."""
    sp = spm.SentencePieceProcessor(model_proto=model)
    return {
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i))
    }


# ---------------------------------------------------------------------------
# Transformer with random weights
# ---------------------------------------------------------------------------


def _sinusoids(num_positions: int, dim: int) -> np.ndarray:
    pos = np.arange(num_positions)[:, None]
    timescales = np.power(10000, 2 * (np.arange(dim) // 2) / dim)[None, :]
    angles = pos / timescales
    table = np.zeros((num_positions, dim))
    table[:, : dim // 2] = np.sin(angles[:, 0::2])
    table[:, dim // 2 :] = np.cos(angles[:, 1::2])
    return table.astype(np.float32)


class _Init:
    """Seeded random weights for the tiny Transformers (encoder-decoder and decoder-only)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def w(self, *shape: int) -> np.ndarray:
        return (self.rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32)

    def norm(self, ln: common_spec.LayerNormSpec) -> None:
        ln.gamma, ln.beta = np.ones(D_MODEL, np.float32), np.zeros(D_MODEL, np.float32)

    def linear(self, lin: common_spec.LinearSpec, out: int, inp: int, clock_free: bool) -> None:
        lin.weight, lin.bias = self.w(out, inp), np.zeros(out, np.float32)
        if clock_free:  # never write into the decoder's clock dimension
            lin.weight[0] = 0.0


def fill_decoder(dec, init: _Init, vocab: list[str], emittable: set[str], *, end_token: str,
                 clock_slope: float = 0.5, eos_gain: float = EOS_GAIN,
                 eos_offset: float = EOS_OFFSET) -> None:
    """Random decoder layers around a clock that only the ``end_token`` logit reads.

    Shared by the encoder-decoder models and the decoder-only LLM (whose prompt positions
    count too, hence its own slope, gain and offset).
    """
    d, v = D_MODEL, len(vocab)
    emb = init.w(v, d)
    emb[:, 0] = 0.0
    dec.embeddings.weight = emb
    clock = _sinusoids(MAX_POSITIONS, d)
    clock[:, 0] = clock_slope * np.arange(MAX_POSITIONS)
    dec.position_encodings.encodings = clock
    init.norm(dec.layer_norm)
    for layer in dec.layer:
        init.norm(layer.self_attention.layer_norm)
        init.linear(layer.self_attention.linear[0], 3 * d, d, False)
        init.linear(layer.self_attention.linear[1], d, d, True)
        if getattr(layer, "attention", None) is not None:
            init.norm(layer.attention.layer_norm)
            init.linear(layer.attention.linear[0], d, d, False)
            init.linear(layer.attention.linear[1], 2 * d, d, False)
            init.linear(layer.attention.linear[2], d, d, True)
        init.norm(layer.ffn.layer_norm)
        init.linear(layer.ffn.linear_0, FFN_DIM, d, False)
        init.linear(layer.ffn.linear_1, d, FFN_DIM, True)

    proj = init.w(v, d)
    proj[:, 0] = 0.0  # only the end token reads the clock
    bias = np.array([0.0 if t in emittable else -20.0 for t in vocab], np.float32)
    eos = vocab.index(end_token)
    proj[eos] = 0.0
    proj[eos, 0] = eos_gain
    bias[eos] = -eos_offset
    dec.projection.weight, dec.projection.bias = proj, bias


def _make_spec(
    vocab: list[str], emittable: set[str], *, decoder_start_token: str, seed: int,
    zero_start: bool | None = None, bos_token: str = "<s>",
) -> transformer_spec.TransformerSpec:
    """A 2-layer pre-norm Transformer whose decoder always stops after a few steps.

    Only ``emittable`` pieces (and ``</s>``) get a usable output bias, so hypotheses
    decode to clean target-language text, like a trained model's, instead of stray
    bytes or source-only pieces.  ``zero_start`` (default: start token ``</s>``) is the
    Marian convention; NLLB and M2M-100 also start from ``</s>`` but from its embedding.
    """
    init = _Init(seed)
    d, v = D_MODEL, len(vocab)
    spec = transformer_spec.TransformerSpec.from_config(
        (NUM_LAYERS, NUM_LAYERS), NUM_HEADS, activation=common_spec.Activation.GELU
    )
    enc, dec = spec.encoder, spec.decoder

    enc.embeddings[0].weight = init.w(v, d)
    init.norm(enc.layer_norm)
    for layer in enc.layer:
        init.norm(layer.self_attention.layer_norm)
        init.linear(layer.self_attention.linear[0], 3 * d, d, False)
        init.linear(layer.self_attention.linear[1], d, d, False)
        init.norm(layer.ffn.layer_norm)
        init.linear(layer.ffn.linear_0, FFN_DIM, d, False)
        init.linear(layer.ffn.linear_1, d, FFN_DIM, False)

    fill_decoder(dec, init, vocab, emittable, end_token="</s>")
    if decoder_start_token == "</s>" if zero_start is None else zero_start:
        dec.start_from_zero_embedding = True  # as converted OPUS-MT (Marian) models

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.decoder_start_token = decoder_start_token
    spec.config.bos_token = bos_token
    spec.config.add_source_eos = False
    spec.config.add_source_bos = False
    spec.validate()
    return spec


def _save(spec, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))


# ---------------------------------------------------------------------------
# Public builders
# ---------------------------------------------------------------------------


def build_tiny_model(out_dir: Path, *, term_hints: bool = False, seed: int = 0) -> Path:
    """Build the OPUS-MT layout in ``out_dir`` and return ``out_dir``.

    Shared vocabulary = ``</s>``, ``<unk>``, ``<s>`` (OPUS-MT order), then the union of
    the source and target SentencePiece pieces, then ``<sep>`` when ``term_hints``.
    ``<sep>`` is *not* a SentencePiece symbol: the engine inserts it as a token between
    the source pieces and the target-spm pieces of each glossary term, so text that
    happens to contain "<sep>" can never smuggle in a hint.
    """
    out_dir = Path(out_dir)
    ko, en = generate_corpus()
    src_model, tgt_model = _train_spm(ko, 600), _train_spm(en, 600)

    vocab = ["</s>", "<unk>", "<s>"]
    seen = set(vocab)
    for piece in _pieces(src_model) + _pieces(tgt_model):
        if piece not in seen:
            seen.add(piece)
            vocab.append(piece)
    if term_hints:
        vocab.append(SEP)

    spec = _make_spec(vocab, _word_pieces(tgt_model), decoder_start_token="</s>", seed=seed)
    _save(spec, out_dir)
    (out_dir / "source.spm").write_bytes(src_model)
    (out_dir / "target.spm").write_bytes(tgt_model)
    if term_hints:
        toolkit = {
            "format": 1,
            "name": "tiny-test",
            "source_lang": "ko",
            "target_lang": "en",
            "append_source_eos": True,
            "term_hints": {"separator": SEP},
        }
        (out_dir / "toolkit.json").write_text(json.dumps(toolkit, indent=2) + "\n",
                                              encoding="utf-8")
    return out_dir


ARGOS_NAME = "tiny-ko-en"


def build_tiny_argos_package(out_dir: Path, *, zipped: bool, seed: int = 0) -> Path:
    """Build the Argos Translate layout; return the package folder or the zip.

    ``zipped=False``: ``out_dir/tiny-ko-en/`` is returned.  ``zipped=True``:
    ``out_dir/tiny-ko-en.argosmodel`` (single top folder ``tiny-ko-en/``) is returned
    and no unpacked copy is left behind, so tests exercise the real unzip path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ko, en = generate_corpus()
    model = _train_spm(ko + en, 900)  # one model for both sides, as Argos ships

    build_root = Path(tempfile.mkdtemp(dir=out_dir)) if zipped else out_dir
    pkg = build_root / ARGOS_NAME
    spec = _make_spec(_pieces(model), _word_pieces(model), decoder_start_token="<s>", seed=seed)
    _save(spec, pkg / "model")
    (pkg / "sentencepiece.model").write_bytes(model)
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": "ko",
        "from_name": "Korean",
        "to_code": "en",
        "to_name": "English",
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    if not zipped:
        return pkg

    archive = out_dir / f"{ARGOS_NAME}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(pkg.rglob("*")):
            zf.write(path, path.relative_to(build_root).as_posix())
    shutil.rmtree(build_root)
    return archive


if __name__ == "__main__":  # quick manual check: python tests/tinymodel.py DIR
    import sys
    import time

    t0 = time.perf_counter()
    d = build_tiny_model(Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-model"), term_hints=True)
    print(f"built {d} in {time.perf_counter() - t0:.2f}s")
    sp = spm.SentencePieceProcessor(model_file=str(d / "source.spm"))
    tr = ctranslate2.Translator(str(d))
    for s in ["공감지능은 고객 경험을 바꾸고 있다.", "전장에서 병사들은 전투를 준비했다."]:
        r = tr.translate_batch([sp.encode(s, out_type=str) + ["</s>"]], beam_size=2,
                               num_hypotheses=2)
        print(s, [len(h) for h in r[0].hypotheses], r[0].hypotheses[0])
