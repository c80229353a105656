"""Model families: the token conventions each kind of converted model expects.

A CTranslate2 directory holds weights and a vocabulary, not the recipe for talking to the
model: NLLB-200 wants ``kor_Hang`` before the source and ``eng_Latn`` forced as the first
target token, M2M-100 the same with ``__ko__``/``__en__``, MADLAD-400 a ``<2en>`` on the
source, a multi-target OPUS-MT model ``>>eng<<``, an instruction-tuned LLM its chat template.
Each family is one small object here and the engine applies it, so the enforcement steps see
only English target pieces whatever the model (the language token stays at the head of every
target prefix the engine sends, and is stripped from everything it returns).

Detection needs no weights: the vocabulary and tokenizer files settle it, or a
``toolkit.json`` declaration ``"family": "nllb"`` (docs/CONTRACTS.md) when they cannot.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from translate.term_hints import hinted_source

EOS = "</s>"
MARIAN_TARGET = (">>eng<<", ">>en<<")   # multi-target OPUS-MT: the first one the vocabulary has
MARIAN_TOKEN = re.compile(r">>[a-z]{2,3}(_[A-Za-z]+)?<<")

# The translation instruction for chat models. The glossary goes into the user turn as an
# instruction (the LLM counterpart of the <sep> term hints); the check and the prefix step
# still guarantee the terms, as for every other model.
SYSTEM_PROMPT = ("You are a professional translator. Translate the user's Korean text into "
                 "English. Reply with the English translation only.")
GLOSSARY_PROMPT = "Use these English terms in the translation: {terms}."


class FamilyError(ValueError):
    """A model whose files do not follow the convention of its family (message says which)."""


@dataclass(frozen=True)
class Seq2Seq:
    """An encoder-decoder model run by ``ctranslate2.Translator``.

    ``source = lead + pieces [+ <sep> hint]* [+ </s>] + source_suffix`` and every decode
    starts from ``target_lead`` (the target-language token) before any prefix. The source's
    lead is ``source_prefix`` as tokens (NLLB, M2M-100, Marian: what their tokenizers emit),
    or ``prefix_text`` tokenised like the text, as MADLAD's own usage writes ``"<2en> " +
    text`` and lets its SentencePiece model split it.
    """

    name: str
    label: str
    tokenizers: tuple[str, str]               # (source, target) file names in the model dir
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()       # after </s>: NLLB's legacy language token
    target_lead: tuple[str, ...] = ()
    prefix_text: str = ""
    generator = False
    has_attention = True

    @property
    def language_tokens(self) -> tuple[str, ...]:
        text = (self.prefix_text,) if self.prefix_text else ()
        return self.source_prefix + text + self.source_suffix + self.target_lead

    def source_lead(self, encode: Callable[[str], list[str]]) -> list[str]:
        return [*self.source_prefix, *(encode(self.prefix_text) if self.prefix_text else [])]

    def source_tokens(self, lead: list[str], pieces: list[str], hints: list[list[str]],
                      separator: str | None, append_eos: bool) -> list[str]:
        body = hinted_source(pieces, hints, separator, EOS if append_eos else None)
        return [*lead, *body, *self.source_suffix]

    def describe(self) -> str:
        return self.label


@dataclass(frozen=True)
class Chat:
    """A decoder-only LLM run by ``ctranslate2.Generator`` through its chat template.

    ``system``, ``user`` and ``assistant`` are the template's text around the system prompt,
    around the user's text, and the opening of the assistant turn that the translation
    continues; ``specials`` are the template's tokens that are vocabulary entries, never text
    for the tokenizer. The tokenizer is ``tokenizer.model`` (SentencePiece) where the family
    ships one (Gemma), else ``tokenizer.json``.
    """

    name: str
    label: str
    marker: str
    system: str                  # "{system}" inside
    user: str                    # "{user}" inside
    assistant: str               # opens the assistant turn: the translation continues it
    end_tokens: tuple[str, ...]
    specials: tuple[str, ...]
    generator = True
    # a Generator returns no attention: the prefix step places a term at a garbled attempt at
    # it, else proportionally to its position in the source
    has_attention = False

    @property
    def language_tokens(self) -> tuple[str, ...]:
        """The template's own tokens: all must be vocabulary entries, or CT2 reads <unk>."""
        text = self.system + self.user + self.assistant
        return tuple(s for s in self.specials if s in text) + self.end_tokens[:1]

    def describe(self) -> str:
        return self.label

    def prompt_parts(self) -> tuple[str, str]:
        """Template text before and after the user's content (the system prompt filled in)."""
        before, after = self.user.split("{user}")
        return self.system.format(system=SYSTEM_PROMPT) + before, after + self.assistant

    def split_specials(self, text: str) -> list[tuple[bool, str]]:
        """(is_special, part) runs of template text, specials matched longest first."""
        names = sorted(self.specials, key=len, reverse=True)
        pattern = "(" + "|".join(re.escape(s) for s in names) + ")"
        return [(part in self.specials, part) for part in re.split(pattern, text) if part]


OPUS_MT = Seq2Seq("opus-mt", "OPUS-MT (Marian)", ("source.spm", "target.spm"))
ARGOS = Seq2Seq("argos", "Argos (OpenNMT)", ("sentencepiece.model", "sentencepiece.model"))
NLLB = Seq2Seq("nllb", "NLLB-200", ("sentencepiece.bpe.model",) * 2,
               source_prefix=("kor_Hang",), target_lead=("eng_Latn",))
NLLB_LEGACY = Seq2Seq("nllb-legacy", "NLLB-200 (legacy token order)",
                      ("sentencepiece.bpe.model",) * 2,
                      source_suffix=("kor_Hang",), target_lead=("eng_Latn",))
M2M100 = Seq2Seq("m2m100", "M2M-100", ("sentencepiece.bpe.model",) * 2,
                 source_prefix=("__ko__",), target_lead=("__en__",))
MADLAD = Seq2Seq("madlad", "MADLAD-400 (T5)", ("spiece.model",) * 2, prefix_text="<2en>")

QWEN = Chat(
    "qwen", "Qwen (ChatML)", "<|im_start|>",
    system="<|im_start|>system\n{system}<|im_end|>\n",
    user="<|im_start|>user\n{user}<|im_end|>\n",
    assistant="<|im_start|>assistant\n",
    end_tokens=("<|im_end|>", "<|endoftext|>"),
    specials=("<|im_start|>", "<|im_end|>", "<|endoftext|>"))
# Qwen3 thinks before answering unless the turn opens with an empty thought, which is what
# its own template writes for enable_thinking=False.
QWEN3 = Chat(
    "qwen3", "Qwen3 (ChatML, thinking off)", "<|im_start|>",
    system=QWEN.system, user=QWEN.user,
    assistant="<|im_start|>assistant\n<think>\n\n</think>\n\n",
    end_tokens=QWEN.end_tokens, specials=QWEN.specials + ("<think>", "</think>"))
GEMMA = Chat(
    "gemma", "Gemma", "<start_of_turn>",   # no system role: it opens the first user turn
    system="<bos><start_of_turn>user\n{system}\n\n",
    user="{user}<end_of_turn>\n",
    assistant="<start_of_turn>model\n",
    end_tokens=("<end_of_turn>", "<eos>"),
    specials=("<bos>", "<start_of_turn>", "<end_of_turn>", "<eos>"))
LLAMA3 = Chat(
    "llama3", "Llama 3", "<|start_header_id|>",
    system="<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>",
    user="<|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|>",
    assistant="<|start_header_id|>assistant<|end_header_id|>\n\n",
    end_tokens=("<|eot_id|>", "<|end_of_text|>"),
    specials=("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
              "<|end_of_text|>"))
EXAONE = Chat(
    "exaone", "EXAONE", "[|assistant|]",
    system="[|system|]{system}[|endofturn|]\n",
    user="[|user|]{user}\n",
    assistant="[|assistant|]",
    end_tokens=("[|endofturn|]",),
    specials=("[|system|]", "[|user|]", "[|assistant|]", "[|endofturn|]"))

Family = Seq2Seq | Chat
FAMILIES: dict[str, Family] = {f.name: f for f in (
    OPUS_MT, ARGOS, NLLB, NLLB_LEGACY, M2M100, MADLAD, QWEN, QWEN3, GEMMA, LLAMA3, EXAONE)}
# the order vocabularies are recognised in: the first whose template tokens are all there
# (Qwen3 before Qwen, whose tokens it has too)
_SEQ2SEQ_MARKERS = (("eng_Latn", NLLB), ("__en__", M2M100), ("<2en>", MADLAD))
_CHAT_ORDER = (QWEN3, QWEN, GEMMA, LLAMA3, EXAONE)


def by_name(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise FamilyError(f"unknown family {name!r} in toolkit.json; known: "
                          f"{', '.join(FAMILIES)}") from None


def marian_targets(vocab: set[str]) -> list[str]:
    return sorted(t for t in vocab if MARIAN_TOKEN.fullmatch(t))


def detect(vocab: set[str], decoder_only: bool, declared: str | None = None,
           layout: str | None = None) -> Family:
    """The family of a converted model, from its declaration, its layout or its vocabulary.

    Raises FamilyError when the family's language or template tokens are not all there: a
    model tokenised against the wrong convention translates into garbage without an error.
    """
    name = declared or layout
    if name:
        family = by_name(name)
        how = f"declared {family.name!r} in toolkit.json" if declared else f"{layout} layout"
    elif decoder_only:
        found = [f for f in _CHAT_ORDER if set(f.language_tokens) <= vocab]
        if not found:
            raise FamilyError("decoder-only model with no chat template this toolkit knows "
                              "(ChatML, Gemma, Llama 3, EXAONE); declare \"family\" in "
                              "toolkit.json")
        family, how = found[0], f"{found[0].marker} in the vocabulary"
    else:
        family, how = next(((f, f"{m} in the vocabulary") for m, f in _SEQ2SEQ_MARKERS
                            if m in vocab), (OPUS_MT, "default"))
    if isinstance(family, Seq2Seq) and family.name in ("opus-mt", "argos"):
        family = _with_marian_target(family, vocab)
    if decoder_only != family.generator:
        kind = "decoder-only" if decoder_only else "encoder-decoder"
        raise FamilyError(f"{family.label} ({how}) does not fit a {kind} model")
    missing = [t for t in dict.fromkeys(family.language_tokens) if t not in vocab]
    if missing:
        raise FamilyError(f"{family.label} model ({how}) without {', '.join(missing)} in its "
                          "vocabulary: not converted from that family, or a wrong toolkit.json")
    return family


def _with_marian_target(family: Seq2Seq, vocab: set[str]) -> Seq2Seq:
    """Multi-target OPUS-MT models read the wanted target language as a token on the source."""
    targets = marian_targets(vocab)
    if len(targets) < 2:
        return family
    token = next((t for t in MARIAN_TARGET if t in vocab), None)
    if token is None:
        raise FamilyError(f"multi-target {family.label} model without {MARIAN_TARGET[0]} among "
                          f"its target-language tokens ({', '.join(targets[:6])}…)")
    return Seq2Seq(family.name, f"{family.label}, multi-target {token}", family.tokenizers,
                   source_prefix=(token,))


def tokenizer_files(family: Family, model_dir: Path) -> tuple[Path, Path]:
    """The tokenizer files for ``family`` in ``model_dir``.

    Chat models may ship a SentencePiece ``tokenizer.model`` (Gemma: taken first, it needs no
    extra package) or only a ``tokenizer.json`` (byte-level BPE: Qwen, Llama 3, EXAONE).
    """
    if isinstance(family, Chat):
        for name in ("tokenizer.model", "tokenizer.json"):
            if (model_dir / name).exists():
                return model_dir / name, model_dir / name
        raise FamilyError(f"CTranslate2 model without tokenizer.json or tokenizer.model "
                          f"({family.label} needs one; --copy_files when converting)")
    paths = (model_dir / family.tokenizers[0], model_dir / family.tokenizers[1])
    missing = [p.name for p in dict.fromkeys(paths) if not p.exists()]
    if missing:
        names = " and ".join(dict.fromkeys(family.tokenizers))
        raise FamilyError(f"CTranslate2 model without {', '.join(missing)} ({family.label} "
                          f"layout needs {names}; --copy_files when converting)")
    return paths
