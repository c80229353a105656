"""Tiny random-weight models of every family the toolkit loads, with each family's real
token conventions (see tests/tinymodel.py for why tiny real models instead of mocks).

What is real: the files a converter writes and the user copies (``config.json`` keys,
``shared_vocabulary.json`` or ``vocabulary.json`` in the family's order, the tokenizer file
the family ships: ``sentencepiece.bpe.model``, ``spiece.model``, ``source.spm``/``target.spm``,
``tokenizer.json`` or ``tokenizer.model``), the language tokens and chat-template tokens in
the vocabulary, and the CTranslate2 runtime (Translator or Generator) that decodes them.
What is not: the architecture inside model.bin is the same small Transformer for every
encoder-decoder family (MADLAD's T5 relative attention, NLLB's layer sizes do not change a
token convention), and the LLM is a 2-layer decoder with learned positions.

Termination of the LLM: its prompt counts as positions too, so the end-of-turn logit reads a
slower clock than the translation models' and rises past the prompt (~50-120 tokens).
"""
from __future__ import annotations

import json
from pathlib import Path

import ctranslate2
import sentencepiece as spm
from ctranslate2.specs import common_spec, transformer_spec
from tinymodel import (
    NUM_HEADS,
    NUM_LAYERS,
    _Init,
    _make_spec,
    _pieces,
    _save,
    _train_spm,
    _word_pieces,
    fill_decoder,
    generate_corpus,
)

from translate.families import GLOSSARY_PROMPT, SYSTEM_PROMPT

SEQ2SEQ = ("nllb", "nllb-legacy", "m2m100", "madlad", "opus-mt-multi")
CHAT = ("qwen", "qwen3", "gemma", "llama3", "exaone")
FAMILIES = SEQ2SEQ + CHAT
NEEDS_TOKENIZERS = ("qwen", "qwen3", "llama3", "exaone")   # tokenizer.json only

# a few of each family's language tokens, in the family's spelling
NLLB_LANGS = ["deu_Latn", "eng_Latn", "fra_Latn", "jpn_Jpan", "kor_Hang", "zho_Hans"]
M2M_LANGS = ["__de__", "__en__", "__fr__", "__ja__", "__ko__", "__zh__"]
MADLAD_LANGS = ["<2de>", "<2en>", "<2fr>", "<2ja>", "<2ko>", "<2zh>"]
MARIAN_LANGS = [">>deu<<", ">>eng<<", ">>fra<<", ">>jpn<<"]

# chat-template special tokens, as each family's tokenizer declares them
CHAT_SPECIALS = {
    "qwen": ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
    "qwen3": ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"],
    "llama3": ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
               "<|end_header_id|>", "<|eot_id|>"],
    "exaone": ["[PAD]", "[BOS]", "[UNK]", "[|system|]", "[|user|]", "[|assistant|]",
               "[|endofturn|]"],
}
CHAT_CONFIG = {  # config.json bos/eos/unk as ct2-transformers-converter writes them
    "qwen": ("<|endoftext|>", "<|im_end|>", ""),
    "qwen3": ("<|endoftext|>", "<|im_end|>", ""),
    "llama3": ("<|begin_of_text|>", "<|eot_id|>", ""),
    "exaone": ("[BOS]", "[|endofturn|]", "[UNK]"),
    "gemma": ("<bos>", "<end_of_turn>", "<unk>"),
}
# The LLM's clock: the prompt's positions count too, so the end-of-turn logit rises steeply
# around a fixed position (END_POSITION, past the test prompts of ~40-90 tokens) rather than
# a fixed number of steps after the start. Its offset is calibrated per model (the hidden
# states' scale differs with the vocabulary), so every family stops at the same place.
LLM_CLOCK_SLOPE = 0.1
LLM_EOS_GAIN = 20.0
END_POSITION = 110


def _prompt_lines() -> list[str]:
    """Template and instruction text, so the tiny tokenizers split them into words."""
    words = [SYSTEM_PROMPT, GLOSSARY_PROMPT.format(terms="HVAC; signage"),
             "system", "user", "assistant", "model"]
    return words * 4


def _dedup(tokens: list[str]) -> list[str]:
    return list(dict.fromkeys(tokens))


# ---------------------------------------------------------------------------
# Encoder-decoder families
# ---------------------------------------------------------------------------


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def build_seq2seq(out_dir: Path, family: str, *, seed: int = 0) -> Path:
    """A converted NLLB-200, M2M-100, MADLAD-400 or multi-target OPUS-MT directory."""
    out_dir = Path(out_dir)
    ko, en = generate_corpus()
    if family == "madlad":  # T5: the <2xx> tokens are pieces of its own SentencePiece model
        model = _train_spm(ko + en, 900, user_defined_symbols=MADLAD_LANGS, pad_id=0,
                           eos_id=1, unk_id=2, bos_id=-1)
        vocab = _pieces(model)   # "<pad>", "</s>", "<unk>", ...: the T5 order
        vocab += [f"<extra_id_{i}>" for i in range(4)]
        start, bos = "<pad>", "<pad>"
    else:
        model = _train_spm(ko + en, 900)
        pieces = [p for p in _pieces(model) if p not in ("<unk>", "<s>", "</s>")]
        if family == "opus-mt-multi":  # Marian: </s> <unk> first, target tokens in the vocab
            vocab = _dedup(["</s>", "<unk>", *MARIAN_LANGS, *pieces])
            start, bos = "</s>", "<s>"
        else:  # fairseq order, language tokens after the pieces (then NLLB's <mask>)
            langs = M2M_LANGS if family == "m2m100" else NLLB_LANGS
            vocab = _dedup(["<s>", "<pad>", "</s>", "<unk>", *pieces, *langs])
            vocab += ["<mask>"] if family != "m2m100" else ["madeupword0", "madeupword1"]
            start, bos = "</s>", "<s>"
    # one model for both sides: only English pieces may be written, as by a trained model
    sp = spm.SentencePieceProcessor(model_proto=model)
    english = {p for line in en for p in sp.encode(line, out_type=str)} & _word_pieces(model)
    spec = _make_spec(vocab, english, decoder_start_token=start, seed=seed,
                      zero_start=family == "opus-mt-multi", bos_token=bos)
    _save(spec, out_dir)
    if family == "opus-mt-multi":
        (out_dir / "source.spm").write_bytes(model)
        (out_dir / "target.spm").write_bytes(model)
    elif family == "madlad":
        (out_dir / "spiece.model").write_bytes(model)
    else:
        (out_dir / "sentencepiece.bpe.model").write_bytes(model)
    if family == "nllb-legacy":  # nothing in the files tells the order: it is declared
        _write_json(out_dir / "toolkit.json", {"format": 1, "family": "nllb-legacy"})
    return out_dir


# ---------------------------------------------------------------------------
# Decoder-only chat LLMs
# ---------------------------------------------------------------------------


def _byte_level_tokenizer(lines: list[str], specials: list[str]):
    """A byte-level BPE ``tokenizer.json`` (Qwen, Llama 3, EXAONE), specials as added tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(lines, trainer)
    return tok


def build_chat(out_dir: Path, family: str, *, seed: int = 0) -> Path:
    """A converted chat LLM: ``vocabulary.json`` in token-id order and its tokenizer file."""
    out_dir = Path(out_dir)
    ko, en = generate_corpus()
    lines = ko + en + _prompt_lines()
    if family == "gemma":  # SentencePiece without the dummy "▁" prefix, as Gemma ships it
        model = _train_spm(lines, 1200, pad_id=0, eos_id=1, bos_id=2, unk_id=3,
                           pad_piece="<pad>", eos_piece="<eos>", bos_piece="<bos>",
                           user_defined_symbols=["<start_of_turn>", "<end_of_turn>"],
                           add_dummy_prefix=False, remove_extra_whitespaces=False,
                           normalization_rule_name="identity")
        vocab = _pieces(model)
        sp = spm.SentencePieceProcessor(model_proto=model)
        emittable = {p for line in en for p in sp.encode(" " + line, out_type=str)}
    else:
        tok = _byte_level_tokenizer(lines, CHAT_SPECIALS[family])
        vocab = [t for t, _ in sorted(tok.get_vocab(with_added_tokens=True).items(),
                                      key=lambda item: item[1])]
        emittable = {t for line in en for t in tok.encode(" " + line).tokens}
    bos, eos, unk = CHAT_CONFIG[family]

    def save(offset: float) -> None:
        spec = transformer_spec.TransformerDecoderModelSpec.from_config(
            NUM_LAYERS, NUM_HEADS, pre_norm=True, activation=common_spec.Activation.GELU,
            num_heads_kv=NUM_HEADS)
        fill_decoder(spec.decoder, _Init(seed), vocab, emittable, end_token=eos,
                     clock_slope=LLM_CLOCK_SLOPE, eos_gain=LLM_EOS_GAIN, eos_offset=offset)
        spec.decoder.scale_embeddings = True
        spec.register_vocabulary(vocab)
        spec.config.bos_token, spec.config.eos_token, spec.config.unk_token = bos, eos, unk
        spec.validate()
        _save(spec, out_dir)

    probe = [t for t in vocab if t in emittable][:40]
    low, high = 0.0, 256.0   # bisect the offset until decoding ends at END_POSITION
    for _ in range(10):
        offset = (low + high) / 2
        save(offset)
        [result] = ctranslate2.Generator(str(out_dir), intra_threads=1).generate_batch(
            [probe], max_length=END_POSITION - len(probe), end_token=eos,
            include_prompt_in_result=False)
        if len(probe) + len(result.sequences[0]) < END_POSITION - 1:
            low = offset
        else:
            high = offset
    save(high)
    if family == "gemma":
        (out_dir / "tokenizer.model").write_bytes(model)
    else:
        tok.save(str(out_dir / "tokenizer.json"))
    return out_dir


def build_family_model(out_dir: Path, family: str, *, seed: int = 0) -> Path:
    return (build_chat if family in CHAT else build_seq2seq)(out_dir, family, seed=seed)
