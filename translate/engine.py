"""The CTranslate2 model with its tokenizer: text in, pieces through, text out.

Everything model-specific (the family's language tokens or chat template, end-of-sentence
handling, the term-hint separator, detokenisation) is settled here and in
translate/families.py, so the enforcement code speaks only in English target pieces and
decodes every model through one ``translate_batch``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ctranslate2
from sacremoses import MosesDetokenizer

from translate.families import GLOSSARY_PROMPT, Chat, Seq2Seq
from translate.model_files import (
    DECODER_VOCABULARY,
    ModelError,
    ModelFiles,
    locate_model,
    read_vocabulary,
    target_vocabulary,
)
from translate.options import DecodeOptions
from translate.subwords import Subwords, load_subwords

EOS = "</s>"
PROBE_BYTES = 256 * 2**20  # logits one greedy call of alternatives() may hold


@dataclass
class Decoded:
    """A decoding result shaped like ``ctranslate2.TranslationResult``, family tokens removed."""

    hypotheses: list[list[str]]
    scores: list[float]
    attention: list[list[list[float]]] | None = None


class Engine:
    """One loaded model. Thread options map straight onto ``ctranslate2.Translator``
    (``ctranslate2.Generator`` for chat LLMs)."""

    def __init__(self, files: ModelFiles, *, device: str = "cpu", inter_threads: int = 1,
                 intra_threads: int = 0, compute_type: str = "default"):
        self.files = files
        self.family = files.family
        runtime = ctranslate2.Generator if self.family.generator else ctranslate2.Translator
        try:
            self.model = runtime(
                str(files.ct2_dir), device=device, compute_type=compute_type,
                inter_threads=inter_threads, intra_threads=intra_threads)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load CTranslate2 model: {str(e).splitlines()[0]}",
                             str(files.ct2_dir)) from None
        self.sp_source = load_subwords(files.source_spm)
        self.sp_target = self.sp_source if files.target_spm == files.source_spm else (
            load_subwords(files.target_spm))
        self.append_eos = files.append_source_eos
        self.hint_separator = files.term_hint_separator
        self._detok = MosesDetokenizer(lang="en")
        # per engine, not per class: a class-level lru_cache would keep every engine alive
        self._target_pieces = lru_cache(maxsize=65536)(self._encode_target)
        if isinstance(self.family, Seq2Seq):
            self.source_lead = self.family.source_lead(self.sp_source.encode)
        else:
            self._chat = _ChatPrompt(self.family, self.sp_source,
                                     read_vocabulary(files.ct2_dir, (DECODER_VOCABULARY,)))

    @property
    def translator(self):
        """The ``ctranslate2.Translator`` (or ``Generator``), for callers that used it."""
        return self.model

    @property
    def takes_hints(self) -> bool:
        """Whether glossary targets go to the model: ``<sep>`` hints, or a chat prompt."""
        return bool(self.hint_separator) or self.family.generator

    @property
    def has_attention(self) -> bool:
        return self.family.has_attention

    @classmethod
    def load(cls, model: str | os.PathLike | ModelFiles | None = None, **options) -> Engine:
        files = model if isinstance(model, ModelFiles) else locate_model(model)
        return cls(files, **options)

    # --- source side -------------------------------------------------------------------
    def source_pieces(self, text: str) -> list[str]:
        return self.sp_source.encode(text)

    def source_tokens(self, pieces: list[str], hints: Sequence[list[str]] = ()) -> list[str]:
        """What the model reads.

        Translation models: the family's language tokens around the pieces, ``<sep> term``
        per hint, ``</s>``. Chat models: the prompt, hints as a glossary instruction.
        """
        if isinstance(self.family, Chat):
            return self._chat.tokens(pieces, [self.detokenize(h) for h in hints])
        return self.family.source_tokens(self.source_lead, list(pieces), list(hints),
                                         self.hint_separator, self.append_eos)

    # --- target side -------------------------------------------------------------------
    def _encode_target(self, text: str) -> tuple[str, ...]:
        return tuple(self.sp_target.encode_word(text))

    def target_pieces(self, text: str) -> list[str]:
        """Pieces of an English phrase as the decoder would write it mid-sentence."""
        return list(self._target_pieces(text))

    def detokenize(self, pieces: list[str]) -> str:
        text = self.sp_target.decode(pieces)
        if self.family.generator:  # an LLM writes finished text; one segment is one line
            return " ".join(text.split())
        return self._detok.detokenize(text.split()) if text else text

    # --- decoding ----------------------------------------------------------------------
    def translate_batch(self, sources: list[list[str]], **options) -> list:
        """``Translator.translate_batch`` semantics for every family.

        Hypotheses, scores and attention come back without the family's language tokens,
        and a ``target_prefix`` is English pieces only: the language token is put in front
        of it here.
        """
        if isinstance(self.family, Chat):
            return self._generate(sources, **options)
        return self._translate(self.family, sources, **options)

    def alternatives(self, sources: list[list[str]], prefixes: list[list[str]], count: int,
                     *, accept: Callable[[str], bool] | None = None, depth: int = 0,
                     wanted: Callable[[list[Decoded]], list[bool]] | None = None,
                     **options) -> list[Decoded]:
        """From each prefix, the greedy continuation and up to ``count - 1`` more, each
        starting with another of the likeliest next pieces (``accept``: only pieces it
        accepts, looked for among the ``depth`` likeliest, default ``count``), continued
        greedily: what ``return_alternatives`` promises, in two batched calls.

        CTranslate2's ``return_alternatives`` decodes one example at a time (a round of
        prefix repair over N sentences cost N decodes), and for this project's models its
        first step disagreed with the plain decoder's (after "The company expands" it
        offered "expand" again). Here the greedy continuation of every prefix is decoded
        with ``return_logits_vocab``, which gives the next-piece distribution after the
        prefix; one more greedy call continues the other starts, for the prefixes that
        ``wanted`` (given the greedy results) asks more of (default all). An end token among
        them ends the sentence right after the prefix ("HVAC" as a whole string). Chat
        models keep CTranslate2's own (a Generator batch is decoded here already).
        """
        if not sources:
            return []
        options = {k: v for k, v in options.items() if k not in ("beam_size", "num_hypotheses")}
        if isinstance(self.family, Chat):
            return self._chat_alternatives(sources, prefixes, count, accept, depth, options)
        greedy, rows = self._greedy_with_logits(sources, prefixes, options)
        out = [Decoded([r.hypotheses[0]], [r.scores[0] if r.scores else 0.0],
                       [r.attention[0]] if r.attention else None) for r in greedy]
        asked = wanted(out) if wanted else [True] * len(out)
        more: list[tuple[int, list[str]]] = []
        for i, (result, row) in enumerate(zip(greedy, rows)):
            if not asked[i]:
                continue
            taken = {tuple(result.hypotheses[0][len(prefixes[i]):len(prefixes[i]) + 1]) or
                     (EOS,)}
            for piece in self._likeliest(row, depth or count):
                if len(taken) >= count:
                    break
                if (piece,) in taken or (accept is not None and not accept(piece)):
                    continue
                taken.add((piece,))
                more.append((i, [] if piece == EOS else list(prefixes[i]) + [piece]))
        forced = [(i, p) for i, p in more if p]
        continued = iter(self.translate_batch([sources[i] for i, _ in forced],
                                              target_prefix=[p for _, p in forced],
                                              beam_size=1, **options) if forced else [])
        for i, start in more:
            if start:
                r = next(continued)
                hyp, score = r.hypotheses[0], r.scores[0] if r.scores else 0.0
                attention = r.attention[0] if r.attention else None
            else:  # the end: the prefix alone, its attention rows from the greedy decode
                hyp, score = list(prefixes[i]), 0.0
                first = greedy[i].attention[0] if greedy[i].attention else None
                attention = first[:len(prefixes[i])] if first else None
            out[i].hypotheses.append(hyp)
            out[i].scores.append(score)
            kept = out[i].attention
            if kept is not None:
                kept.append(attention or [])
        return out

    def _chat_alternatives(self, sources: list[list[str]], prefixes: list[list[str]],
                           count: int, accept: Callable[[str], bool] | None, depth: int,
                           options: dict) -> list[Decoded]:
        """CTranslate2's ``return_alternatives``; where no next piece is accepted, asked
        again for the ``depth`` likeliest (those accepted are kept, after the first)."""
        def ask(which: list[int], n: int) -> list[Decoded]:
            return self.translate_batch([sources[i] for i in which],
                                        target_prefix=[prefixes[i] for i in which],
                                        beam_size=1, num_hypotheses=n,
                                        return_alternatives=True, **options)

        def accepted(i: int, hyp: list[str]) -> bool:
            nxt = hyp[len(prefixes[i]):len(prefixes[i]) + 1]
            return accept is None or accept(nxt[0] if nxt else EOS)

        out = ask(list(range(len(sources))), count)
        again = [i for i, r in enumerate(out) if not any(accepted(i, h) for h in r.hypotheses)]
        if depth > count:
            for i, r in zip(again, ask(again, depth)):
                keep = [0] + [k for k, h in enumerate(r.hypotheses) if k and accepted(i, h)]
                out[i] = Decoded([r.hypotheses[k] for k in keep], [r.scores[k] for k in keep])
        return out

    def _greedy_with_logits(self, sources: list[list[str]], prefixes: list[list[str]],
                            options: dict) -> tuple[list, list]:
        """Greedy continuations of the prefixes and, for each, the logits of the step after
        its prefix. Split so that no call holds more than ``PROBE_BYTES`` of logits."""
        import numpy as np  # ctranslate2 depends on it; only this path needs it

        lead = list(self.family.target_lead) if isinstance(self.family, Seq2Seq) else []
        # an estimate of the decode's length (a sentence that loops to the maximum holds
        # more); the logits of every step are returned, vocabulary-wide
        steps = min(options.get("max_decoding_length", 256),
                    len(lead) + max(map(len, prefixes)) + 2 * max(map(len, sources)) + 8)
        per_call = max(1, PROBE_BYTES // (steps * len(self._vocabulary()) * 4))
        results: list = []
        rows: list = []
        for at in range(0, len(sources), per_call):
            batch = slice(at, at + per_call)
            decoded = self.model.translate_batch(
                sources[batch], target_prefix=[lead + list(p) for p in prefixes[batch]],
                beam_size=1, return_logits_vocab=True, **options)
            for prefix, r in zip(prefixes[batch], decoded):
                logits = r.logits[0]
                at_next = len(lead) + len(prefix)
                # one row copied out; the call's results (every step's logits) go at once
                rows.append(np.array(logits[at_next], dtype=np.float32)
                            if at_next < len(logits) else None)
            results += self._without_lead([Decoded(list(r.hypotheses), list(r.scores),
                                                   r.attention or None) for r in decoded],
                                          lead)
            del decoded
        return results, rows

    def _likeliest(self, row, depth: int) -> list[str]:
        """The ``depth`` likeliest pieces of a logits row (pieces the decoder disabled, at
        minus infinity, left out)."""
        if row is None:
            return []
        import numpy as np  # ctranslate2 depends on it; only this path needs it

        top = np.argpartition(-row, min(depth, len(row) - 1))[:depth]
        top = top[np.argsort(-row[top])]
        vocab = self._vocabulary()
        return [vocab[k] for k in top if row[k] > -1e9]

    def _vocabulary(self) -> list[str]:
        if not hasattr(self, "_target_vocab"):
            self._target_vocab = target_vocabulary(self.files.ct2_dir)
        return self._target_vocab

    def _translate(self, family: Seq2Seq, sources: list[list[str]], *,
                   target_prefix: list[list[str]] | None = None, **options) -> list:
        lead = list(family.target_lead)
        if lead:
            target_prefix = [lead + list(p) for p in (target_prefix or [[]] * len(sources))]
        if target_prefix is not None:
            options["target_prefix"] = target_prefix
        results = self.model.translate_batch(sources, **options)
        if options.get("return_attention") and options.get("beam_size", 2) > 1 \
                and len(sources) > 1:
            results = self._first_attention_row(sources, results, options)
        return self._without_lead(results, lead)

    def _first_attention_row(self, sources: list[list[str]], results: list, options: dict
                             ) -> list[Decoded]:
        """The attention of every hypothesis's first step, read again from a one-step
        greedy decode.

        CTranslate2 4.8's batched beam search returns, for that step, the attention row of
        another sentence of the batch (alone, or with greedy search, it is right; the later
        rows are right). The first step's attention depends only on the source and the
        start token, so one cheap step for the whole batch gives it back, and a term at the
        start of a sentence is placed the same whatever the sentence is batched with.
        """
        first = self.model.translate_batch(
            sources, beam_size=1, max_decoding_length=1, return_attention=True,
            max_batch_size=options.get("max_batch_size", 0))
        fixed = []
        for r, f in zip(results, first):
            row = list(f.attention[0][0]) if f.attention and f.attention[0] else None
            fixed.append(Decoded(
                [list(h) for h in r.hypotheses], list(r.scores),
                [([row] + list(a[1:])) if a and row is not None else list(a)
                 for a in r.attention] if r.attention else None))
        return fixed

    def _without_lead(self, results: list, lead: list[str]) -> list:
        skip = len(self.source_lead)
        if not lead and not skip:
            return results
        # attention columns are source positions: drop the language token so that column j
        # is source piece j, as the prefix step expects
        return [Decoded([h[len(lead):] for h in r.hypotheses], list(r.scores),
                        [[row[skip:] for row in a[len(lead):]] for a in r.attention]
                        if r.attention else None)
                for r in results]

    def _generate(self, prompts: list[list[str]], *, target_prefix: list[list[str]] | None
                  = None, max_decoding_length: int = 256, max_batch_size: int = 32,
                  return_attention: bool = False, **options) -> list[Decoded]:
        """Decode with ``Generator.generate_batch``: the prompt, then the forced prefix.

        Prompt and prefix go in as start tokens with ``include_prompt_in_result=False``, so
        the shared length of the batch is forwarded at once; CTranslate2 forces the rest of
        the longer inputs step by step, and with ``return_alternatives`` (4.8) returns those
        forced tokens with the result. So batches are made here (sorted by length, as
        CTranslate2 would) to know that remainder and cut it off; the prefix is put back in
        front, as a Translator returns it.
        """
        del return_attention  # a Generator has none; enforcement falls back (has_attention)
        prefixes = target_prefix or [[] for _ in prompts]
        to_model, from_model = self.sp_target.to_model, self.sp_target.from_model
        if options.get("suppress_sequences"):
            options["suppress_sequences"] = [
                to_model(s) for s in self._any_position(options["suppress_sequences"])]
        static = self._chat.static
        starts = [to_model(p[len(static):] + list(x)) for p, x in zip(prompts, prefixes)]
        order = sorted(range(len(starts)), key=lambda i: len(starts[i]))
        size = max_batch_size or len(starts) or 1
        decoded: list = [None] * len(starts)
        for at in range(0, len(order), size):
            chunk = order[at:at + size]
            shortest = min(len(starts[i]) for i in chunk)
            longest = max(len(starts[i]) for i in chunk)
            results = self.model.generate_batch(
                [starts[i] for i in chunk], static_prompt=to_model(static),
                include_prompt_in_result=False, end_token=self._chat.end_tokens,
                max_length=max_decoding_length + longest - shortest, **options)
            for i, r in zip(chunk, results):
                forced = starts[i][shortest:] if options.get("return_alternatives") else []
                decoded[i] = Decoded([list(prefixes[i]) + from_model(_after(s, forced))
                                      for s in r.sequences], list(r.scores))
        return decoded

    def _any_position(self, sequences: list[list[str]]) -> list[list[str]]:
        """Each sequence as written mid-sentence and as the first words of the answer.

        Byte-level BPE (and Gemma's SentencePiece) spell a word differently at the start of
        the text, with no ``▁``; a chat model's answer starts there, so a forbidden rendering
        is blocked in both spellings (the second also where it would end a longer word, a
        rare loss accepted for the guarantee).
        """
        out = [list(s) for s in sequences]
        for seq in sequences:
            first = self.sp_target.encode(self.sp_target.decode(list(seq)).strip())
            if first and first not in out:
                out.append(first)
        return out

    def score_batch(self, sources: list[list[str]], targets: list[list[str]],
                    max_batch_size: int = 32) -> list[float]:
        """Mean log-probability per target piece of complete translations (``targets`` are
        English pieces, as ``translate_batch`` returns them).

        One number comparable across hypotheses of any length or origin (beam, alternatives,
        forced prefixes), which the scores returned by ``translate_batch`` are not.
        """
        return [sum(lp) / max(1, len(lp))
                for lp in self.log_probs(sources, targets, max_batch_size)]

    def log_probs(self, sources: list[list[str]], targets: list[list[str]],
                  max_batch_size: int = 32) -> list[list[float]]:
        """The log-probability of each target piece (and the end token) of complete
        translations, family tokens left out: what the confidence score reads."""
        if isinstance(self.family, Chat):
            to_model = self.sp_target.to_model
            full = [to_model(s) + to_model(list(t)) for s, t in zip(sources, targets)]
            results = self.model.score_batch(full, max_batch_size=max_batch_size)
            # the answer's pieces only: the prompt is the same for every candidate
            return [list(r.log_probs[-max(1, len(to_model(list(t)))):])
                    for r, t in zip(results, targets)]
        lead = list(self.family.target_lead)
        results = self.model.score_batch(sources, [lead + list(t) for t in targets],
                                         max_batch_size=max_batch_size)
        return [list(r.log_probs[len(lead):]) for r in results]

    def translate_plain(self, texts: list[str], options: DecodeOptions | None = None,
                        **changes: Any) -> list[str]:
        """The bare model, no glossary: the baseline every enforcement result is compared to.

        ``changes`` override fields of ``options`` (``beam_size=2``).
        """
        opts = (options or DecodeOptions()).replace(**changes)
        sources = [self.source_tokens(self.source_pieces(t)) for t in texts]
        results = self.translate_batch(
            sources, beam_size=opts.beam_size, max_batch_size=opts.max_batch_size,
            max_decoding_length=opts.max_decoding_length, length_penalty=opts.length_penalty,
            **opts.repetition())
        return [self.detokenize(r.hypotheses[0]) for r in results]


def _after(sequence: list[str], forced: list[str]) -> list[str]:
    return sequence[len(forced):] if sequence[:len(forced)] == forced else sequence


class _ChatPrompt:
    """The translation prompt of a chat model, as tokens: template specials stay tokens."""

    def __init__(self, family: Chat, subwords: Subwords, vocab: set[str]):
        self.family, self.subwords = family, subwords
        before, after = family.prompt_parts()
        self.static = self._encode(before)    # the same for every sentence: cached by CT2
        self.after = self._encode(after)
        self.end_tokens = [t for t in family.end_tokens if t in vocab]

    def _encode(self, text: str) -> list[str]:
        tokens: list[str] = []
        for special, part in self.family.split_specials(text):
            tokens += [part] if special else self.subwords.encode(part)
        return tokens

    def tokens(self, pieces: list[str], terms: list[str]) -> list[str]:
        glossary = self._encode(GLOSSARY_PROMPT.format(terms="; ".join(terms)) + "\n\n") \
            if terms else []
        return self.static + glossary + list(pieces) + self.after
