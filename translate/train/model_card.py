"""The exported model's README.md: what it is, what it was trained on (with licences), how well
it did on dev, and how to feed it — so the directory is self-describing, like ko-en-small's card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .evaluate import DevScores
from .model import ModelConfig
from .sources import Corpus, Selection, SourceInfo
from .trainer import TrainConfig, TrainResult
from .verify import AgreementReport


@dataclass
class CardInputs:
    """Everything the card reports."""

    name: str
    model: ModelConfig
    parameters: int
    source_pieces: int
    target_pieces: int
    train: TrainConfig
    result: TrainResult
    selection: Selection
    table: dict[str, SourceInfo]
    corpus: Corpus
    pairs_used: int
    dev_prefix: str
    dev_pairs: int
    quantization: str
    device_name: str
    max_chars: int = 300
    agreement: Sequence[AgreementReport] = field(default_factory=list)
    evaluations: Sequence[DevScores] = field(default_factory=list)
    command: str = ""
    folders: dict[str, str] = field(default_factory=dict)  # source -> its data folder


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} seconds" if seconds < 120 else f"{seconds / 60:.1f} minutes"


def _parameters(n: int) -> str:
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n:,}"


def _warmup_rule(t: TrainConfig) -> str:
    if t.warmup_fraction <= 0:
        return "fixed"
    return f"min({t.warmup_steps:,}, {100 * t.warmup_fraction:g} % of the step budget)"


def render(card: CardInputs) -> str:
    """Markdown text of the model card."""
    m, t, r = card.model, card.train, card.result
    lines: list[str] = []
    add = lines.append
    add(f"# {card.name} — a Korean→English model trained with `python -m translate.train`")
    add("")
    add(f"A CTranslate2 translation model ({card.quantization}) in the OPUS-MT layout: "
        "`model.bin`, `config.json`,")
    add("`shared_vocabulary.json`, `source.spm` (Korean SentencePiece), "
        "`target.spm` (English SentencePiece),")
    add("`toolkit.json` (toolkit metadata, term hints with `<sep>`). "
        "Trained from scratch by this project's recipe.")
    add("")
    add("## Use")
    add("- Source: `source.spm` pieces of the Korean sentence, then `</s>` "
        "(`config.json` does not add it;")
    add("  `toolkit.json` says `append_source_eos: true`). The decoder starts from `</s>`.")
    add("- Output: decode the hypothesis pieces with `target.spm`.")
    add("- Terminology hints (optional): the model was trained with target terms appended "
        "to the source:")
    add("  `Korean pieces + [\"<sep>\"] + target.spm pieces of term 1 + [\"<sep>\"] + … + "
        "[\"</s>\"]`.")
    add("  A hint, not a guarantee.")
    add("")
    add("```python")
    add("import ctranslate2, sentencepiece as spm")
    add("sp_src = spm.SentencePieceProcessor(model_file='source.spm')")
    add("sp_tgt = spm.SentencePieceProcessor(model_file='target.spm')")
    add("translator = ctranslate2.Translator('.', device='cpu')")
    add("src = sp_src.encode('안녕하세요.', out_type=str) + ['</s>']")
    add("print(sp_tgt.decode(translator.translate_batch([src], beam_size=4)[0].hypotheses[0]))")
    add("```")
    add("")
    add("## Architecture")
    add(
        f"Marian-style transformer (post-norm), {m.encoder_layers} encoder + "
        f"{m.decoder_layers} decoder layers, d_model {m.d_model}, {m.heads} heads, "
        f"FFN {m.ffn_dim}, ReLU, sinusoidal positions; shared "
        f"{m.vocab_size:,}-entry vocabulary (Korean unigram SentencePiece "
        f"{card.source_pieces:,} + English "
        f"{card.target_pieces:,} pieces, union, `<sep>` a user-defined symbol), "
        f"tied embeddings with an output "
        f"bias; {_parameters(card.parameters)} parameters."
    )
    add("")
    add("## Training")
    stop = r.stop_reason or "budget"
    add(
        f"{r.steps:,} steps ({r.epochs} epoch(s) started) in {_duration(r.seconds)} "
        f"on {card.device_name}; "
        f"stopped by {stop}; {r.steps_per_second:.2f} steps/s, "
        f"{r.tokens_per_second:,.0f} tokens/s (source + "
        f"target, dev evaluations included). Token-based batches of ≤ {t.batch_tokens:,} "
        f"tokens per side, AdamW "
        f"(lr {t.lr:g}, β2 {t.adam_beta2}, weight decay {t.weight_decay:g}), "
        f"{r.warmup_steps:,} warmup steps "
        f"({_warmup_rule(t)}) then inverse-sqrt decay, gradient clipping {t.clip_norm:g}, "
        f"dropout {m.dropout:g} (attention {m.attention_dropout:g}), "
        f"label smoothing {t.label_smoothing:g}, seed {t.seed}."
    )
    add(
        f"Term-append augmentation: each pair was added a second time with probability "
        f"{t.term_prob:g}, with 1–{t.max_terms} "
        f"n-grams (1–{t.max_term_words} words, content words preferred) of its reference "
        f"appended after `<sep>`; "
        f"re-sampled every epoch (last epoch: {r.train_examples_last_epoch:,} examples, "
        f"{r.augmented_last_epoch:,} with terms)."
    )
    add(
        f"Checkpoint selection: lowest dev loss (per-token NLL, no label smoothing) "
        f"on `{card.dev_prefix}` "
        f"({card.dev_pairs:,} pairs) — **{r.best_dev_loss:.4f} at step {r.best_step:,}**. "
        f"Train loss (label-smoothed) "
        f"{r.first_train_loss:.3f} at step 1 → {r.last_train_loss:.3f} at the end."
    )
    if r.history:
        add("")
        add("| step | minutes | train loss (smoothed) | dev loss |")
        add("|---:|---:|---:|---:|")
        for h in r.history:
            add(f"| {h['step']:,} | {h['minutes']:.2f} | {h['train_loss']:.3f} "
                f"| {h['dev_loss']:.4f} |")
    add("")
    add("## Data")
    add(
        f"{card.pairs_used:,} pairs after cleaning (NFC, no empty lines, "
        f"≤ {card.max_chars} characters, "
        f"≤ {t.max_pieces} pieces a side). "
        "By default only sources whose licence SOURCES.md states are used."
    )
    add("")
    folders = sorted(set(card.folders.values()))
    if len(folders) > 1:
        add(f"Data folders, each with its own SOURCES.md: {', '.join(f'`{f}`' for f in folders)}.")
        add("")
    add("| source | pairs used | licence (as stated in SOURCES.md) | origin | domain |")
    add("|---|---:|---|---|---|")
    for name in card.selection.included:
        info = card.table.get(name)
        licence = info.licence if info else "not listed in SOURCES.md"
        domain = info.domain if info else ""
        origin = info.repository if info else ""
        add(f"| {name} | {card.corpus.kept.get(name, 0):,} | {_md(licence)} | {_md(origin)} "
            f"| {_md(domain)} |")
    if card.selection.excluded:
        add("")
        add("Not used:")
        for name, reason in card.selection.excluded.items():
            add(f"- `{name}`: {_md(reason)}")
    if card.selection.warnings:
        add("")
        add("Licence warnings:")
        for warning in card.selection.warnings:
            add(f"- {_md(warning)}")
    add("")
    add("## Measured")
    if card.evaluations:
        first = card.evaluations[0]
        add(
            f"chrF2 and BLEU (sacrebleu defaults) of this CTranslate2 export "
            f"(beam {first.beam_size}, compute type "
            f"{first.compute_type}, CPU) on the text users get: translated by the toolkit's "
            "`Engine.translate_plain` (SentencePiece decoding, then the Moses detokeniser, "
            "as `translate` outputs a "
            "sentence without a glossary)."
        )
        add("")
        add("| set | sentences | chrF2 | BLEU | seconds |")
        add("|---|---:|---:|---:|---:|")
        for s in card.evaluations:
            label = f"{'dev' if s.name == 'dev' else 'test'}: `{s.prefix}`"
            add(f"| {_md(label)} | {s.sentences:,} | {s.chrf:.1f} | {s.bleu:.2f} "
                f"| {s.seconds:.0f} |")
        add("")
        add("The dev set also chose the checkpoint, so its figures are slightly optimistic; "
            "compare models on the test row.")
    else:
        add("No chrF/BLEU: sacrebleu was not installed or the evaluation was skipped.")
    if card.agreement:
        add("")
        add("Export check (greedy decoding and teacher-forced log-probs, PyTorch vs CTranslate2, "
            "dev sentences):")
        for rep in card.agreement:
            add(f"- {rep.summary()}")
    if card.command:
        add("")
        add("## Reproduce")
        add("```")
        add(card.command)
        add("```")
    add("")
    return "\n".join(lines)
