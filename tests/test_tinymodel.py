"""The tiny test model must behave like a real CTranslate2 model in every option the
engine relies on; if these fail, every engine test built on it is meaningless."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import ctranslate2
import sentencepiece as spm

SENTENCE = "공감지능은 고객 경험을 바꾸고 있다."
MAX_LEN = 64


Loaded = tuple[ctranslate2.Translator, spm.SentencePieceProcessor, spm.SentencePieceProcessor]


def _load(model_dir: Path) -> Loaded:
    return (
        ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1),
        spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm")),
        spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm")),
    )


def test_opus_layout_files(tiny_model: Path, tiny_model_hints: Path) -> None:
    for d in (tiny_model, tiny_model_hints):
        for name in ("model.bin", "config.json", "shared_vocabulary.json", "source.spm",
                     "target.spm"):
            assert (d / name).is_file(), name
    config = json.loads((tiny_model / "config.json").read_text())
    assert config["decoder_start_token"] == "</s>" and config["add_source_eos"] is False
    assert not (tiny_model / "toolkit.json").exists()
    assert "<sep>" not in json.loads((tiny_model / "shared_vocabulary.json").read_text())
    toolkit = json.loads((tiny_model_hints / "toolkit.json").read_text())
    assert toolkit["term_hints"] == {"separator": "<sep>"} and toolkit["append_source_eos"] is True
    assert "<sep>" in json.loads((tiny_model_hints / "shared_vocabulary.json").read_text())


def test_translate_ends_early_with_scores_and_attention(tiny_model: Path) -> None:
    translator, src, tgt = _load(tiny_model)
    source = src.encode(SENTENCE, out_type=str) + ["</s>"]
    [result] = translator.translate_batch(
        [source], beam_size=2, num_hypotheses=2, return_attention=True,
        return_scores=True, max_decoding_length=MAX_LEN,
    )
    assert len(result.hypotheses) == 2 and len(result.scores) == 2
    for hyp, attention in zip(result.hypotheses, result.attention):
        assert 0 < len(hyp) < MAX_LEN // 2  # ended by </s>, not by the length limit
        assert tgt.decode(hyp).strip()
        assert len(attention) == len(hyp)
        assert all(len(row) == len(source) for row in attention)
        assert all(abs(sum(row) - 1.0) < 1e-3 for row in attention)


def test_target_prefix_and_suppress_sequences(tiny_model: Path) -> None:
    translator, src, tgt = _load(tiny_model)
    source = src.encode(SENTENCE, out_type=str) + ["</s>"]
    prefix = tgt.encode("Affectionate Intelligence", out_type=str)
    [result] = translator.translate_batch([source], beam_size=2, target_prefix=[prefix])
    assert result.hypotheses[0][: len(prefix)] == prefix

    [plain] = translator.translate_batch([source], beam_size=2)
    banned = plain.hypotheses[0][0]
    [result] = translator.translate_batch([source], beam_size=2, suppress_sequences=[[banned]])
    assert result.hypotheses[0] and banned not in result.hypotheses[0]


def test_term_hint_input_is_accepted(tiny_model_hints: Path) -> None:
    translator, src, tgt = _load(tiny_model_hints)
    source = (
        src.encode(SENTENCE, out_type=str)
        + ["<sep>"] + tgt.encode("Affectionate Intelligence", out_type=str)
        + ["<sep>"] + tgt.encode("HVAC", out_type=str) + ["</s>"]
    )
    [result] = translator.translate_batch([source], beam_size=2, return_attention=True)
    assert "<unk>" not in result.hypotheses[0] and "<sep>" not in result.hypotheses[0]
    assert len(result.attention[0][0]) == len(source)


def test_glossary_terms_tokenize_into_few_target_pieces(tiny_model: Path) -> None:
    tgt = spm.SentencePieceProcessor(model_file=str(tiny_model / "target.spm"))
    vocab = set(json.loads((tiny_model / "shared_vocabulary.json").read_text()))
    for term in ("Affectionate Intelligence", "vehicle components", "HVAC", "built-in",
                 "EV charging", "webOS"):
        pieces = tgt.encode(term, out_type=str)
        assert 0 < len(pieces) <= 4 and set(pieces) <= vocab, (term, pieces)


def test_deterministic(tmp_path: Path) -> None:
    from tinymodel import build_tiny_model

    a = build_tiny_model(tmp_path / "a", seed=3)
    b = build_tiny_model(tmp_path / "b", seed=3)
    assert (a / "model.bin").read_bytes() == (b / "model.bin").read_bytes()


def test_argos_dir(tiny_argos_dir: Path) -> None:
    assert tiny_argos_dir.name == "tiny-ko-en"
    meta = json.loads((tiny_argos_dir / "metadata.json").read_text())
    assert (meta["from_code"], meta["to_code"]) == ("ko", "en")
    assert {"package_version", "argos_version", "from_name", "to_name"} <= meta.keys()
    sp = spm.SentencePieceProcessor(model_file=str(tiny_argos_dir / "sentencepiece.model"))
    vocab = json.loads((tiny_argos_dir / "model" / "shared_vocabulary.json").read_text())
    assert vocab == [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    translator = ctranslate2.Translator(str(tiny_argos_dir / "model"), device="cpu",
                                        intra_threads=1)
    [result] = translator.translate_batch([sp.encode(SENTENCE, out_type=str)], beam_size=2)
    assert 0 < len(result.hypotheses[0]) < MAX_LEN // 2 and sp.decode(result.hypotheses[0]).strip()


def test_argos_zip(tiny_argos_zip: Path, tmp_path: Path) -> None:
    assert tiny_argos_zip.name == "tiny-ko-en.argosmodel"
    assert [p.name for p in tiny_argos_zip.parent.iterdir()] == [tiny_argos_zip.name]
    with zipfile.ZipFile(tiny_argos_zip) as zf:
        names = zf.namelist()
        assert {n.split("/")[0] for n in names} == {"tiny-ko-en"}
        for expected in ("metadata.json", "sentencepiece.model", "model/model.bin",
                         "model/config.json", "model/shared_vocabulary.json"):
            assert f"tiny-ko-en/{expected}" in names
        zf.extractall(tmp_path)
    ctranslate2.Translator(str(tmp_path / "tiny-ko-en" / "model"))


def test_shared_model_fixture_skips_or_exists(shared_model: Path) -> None:
    assert shared_model.is_dir()
