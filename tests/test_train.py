"""The training recipe (translate.train): licence-based source selection, the term-hint
augmentation format, and a tiny end-to-end run through the CLI's own entry point whose
CTranslate2 export must compute what the PyTorch model computes.

The corpus is synthetic and written by the test (the real data must not be copied into the
repository); the whole file runs in well under a minute on 2 CPU cores.
"""

from __future__ import annotations

import json
import lzma
import random
from collections import Counter
from pathlib import Path

import pytest

from translate.train.augment import STOPWORDS, sample_terms, with_terms, words_of
from translate.train.sources import (
    licence_is_stated,
    load_corpus,
    parse_sources_table,
    select_from_folders,
    select_sources,
)

# --- a tiny synthetic parallel corpus laid out like ../shared/data/train -------------------------

SUBJECTS = [("고양이", "cat"), ("개", "dog"), ("소년", "boy"), ("소녀", "girl"),
            ("선생님", "teacher"), ("농부", "farmer")]
OBJECTS = [("사과", "apple"), ("책", "book"), ("물", "water"), ("빵", "bread"),
           ("편지", "letter"), ("우유", "milk")]
VERBS = [("먹는다", "eats"), ("읽는다", "reads"), ("좋아한다", "likes"), ("본다", "sees"),
         ("산다", "buys")]
ADJECTIVES = [("빨간", "red"), ("큰", "big"), ("작은", "small"), ("오래된", "old")]

SOURCES_MD = """# Test sources

| source | repository | path(s) | pairs kept | licence (as stated) | domain |
|---|---|---|---:|---|---|
| alpha | example/alpha | a.txt | 150 | CC BY 4.0 (LICENSE) | synthetic |
| beta | example/beta | b.txt | 150 | public domain | synthetic |
| gamma | example/gamma | c.txt | 150 | unstated (maybe some terms apply) | synthetic |
| **total** | | | **450** | | |

## Notes
* `delta` is on disk but not in the table.
"""


def _sentences(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    ko, en = [], []
    for _ in range(n):
        (ks, es), (ko_obj, en_obj), (kv, ev), (ka, ea) = (
            rng.choice(SUBJECTS), rng.choice(OBJECTS), rng.choice(VERBS), rng.choice(ADJECTIVES))
        ko.append(f"{ka} {ks}는 {ko_obj}를 {kv}.")
        en.append(f"The {ea} {es} {ev} the {en_obj}.")
    return ko, en


def _write_pairs(prefix: Path, ko: list[str], en: list[str]) -> None:
    prefix.with_name(prefix.name + ".ko").write_text("\n".join(ko) + "\n", encoding="utf-8")
    prefix.with_name(prefix.name + ".en").write_text("\n".join(en) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("train-data")
    train = root / "train"
    train.mkdir()
    (train / "SOURCES.md").write_text(SOURCES_MD, encoding="utf-8")
    rng = random.Random(7)
    for name in ("alpha", "beta", "gamma", "delta"):
        ko, en = _sentences(rng, 150)
        if name == "alpha":  # one empty and one overlong pair that cleaning must drop
            ko += ["", "가" * 400]
            en += ["empty source", "too long"]
        _write_pairs(train / name, ko, en)
    ko, en = _sentences(random.Random(99), 24)
    _write_pairs(root / "dev", ko, en)
    # A second folder as ../shared/data/train-extra may be: xz files, its own SOURCES.md.
    extra = root / "extra"
    extra.mkdir()
    (extra / "SOURCES.md").write_text(EXTRA_SOURCES_MD, encoding="utf-8")
    for name in ("epsilon", "zeta"):
        ko, en = _sentences(rng, 60)
        for suffix, lines in ((".ko.xz", ko), (".en.xz", en)):
            (extra / f"{name}{suffix}").write_bytes(
                lzma.compress(("\n".join(lines) + "\n").encode())
            )
    return root


EXTRA_SOURCES_MD = """# More pairs

| source | repository | pairs | licence | domain |
|---|---|---:|---|---|
| epsilon | example/epsilon | 60 | CC0 1.0 | synthetic |
| zeta | example/zeta | 60 | unstated | synthetic |
"""


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny matrices: on shared cores, more torch threads only wait for each other."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --- licence-based source selection -------------------------------------------------------------

def test_licence_cells():
    assert licence_is_stated("CC BY-SA 3.0 (repo README)")
    assert licence_is_stated("KRV 1961: public domain per repo README")
    assert not licence_is_stated("unstated (extracted from AI Hub ko-en parallel corpus)")
    assert licence_is_stated("unstated in repo; PO headers: 'distributed under the same license "
                             "as the Python package' (PSF)")
    assert not licence_is_stated("")
    assert not licence_is_stated("  ")


def test_default_selection_uses_only_stated_licences(data_dir: Path):
    table = parse_sources_table(data_dir / "train" / "SOURCES.md")
    assert sorted(table) == ["alpha", "beta", "gamma"]  # the bold total row is skipped
    assert table["alpha"].pairs == 150 and table["alpha"].licence == "CC BY 4.0 (LICENSE)"

    selection, _ = select_sources(data_dir / "train")
    assert selection.included == ["alpha", "beta"]
    assert "unstated" in selection.excluded["gamma"]
    assert "not listed" in selection.excluded["delta"]


def test_explicit_selection_warns_and_rejects_unknown(data_dir: Path):
    selection, _ = select_sources(data_dir / "train", ["gamma", "alpha"])
    assert selection.included == ["gamma", "alpha"]
    assert any("gamma" in w for w in selection.warnings)
    assert set(selection.excluded) == {"beta", "delta"}

    everything, _ = select_sources(data_dir / "train", ["all"])
    assert everything.included == ["alpha", "beta", "delta", "gamma"]
    assert len(everything.warnings) == 2  # delta (not listed) and gamma (unstated)

    with pytest.raises(ValueError, match="unknown source"):
        select_sources(data_dir / "train", ["nope"])


def test_several_folders_and_xz(data_dir: Path):
    folders = [data_dir / "train", data_dir / "extra"]
    selection, table, where = select_from_folders(folders)
    assert selection.included == ["alpha", "beta", "epsilon"]  # each folder's own licence table
    assert "unstated" in selection.excluded["zeta"] and "unstated" in selection.excluded["gamma"]
    assert table["epsilon"].licence == "CC0 1.0" and where["epsilon"] == data_dir / "extra"
    corpus = load_corpus(where, selection.included, 300)
    assert corpus.kept == {"alpha": 150, "beta": 150, "epsilon": 60}
    assert corpus.sources[-1].endswith(".") and corpus.origin[-1] == "epsilon"

    named, _, _ = select_from_folders(folders, ["zeta", "beta"])
    assert named.included == ["zeta", "beta"] and any("zeta" in w for w in named.warnings)
    with pytest.raises(ValueError, match="unknown source"):
        select_from_folders(folders, ["omega"])
    with pytest.raises(ValueError, match="in both"):
        select_from_folders([data_dir / "train", data_dir / "train"])


def test_real_sources_table_if_present():
    sources_md = Path(__file__).resolve().parents[2] / "shared" / "data" / "train" / "SOURCES.md"
    if not sources_md.is_file():
        pytest.skip(f"{sources_md} not present")
    table = parse_sources_table(sources_md)
    assert {"tatoeba", "jhe", "bible_krv_web", "context_aware_dialogue"} <= {
        n for n, i in table.items() if i.licence_stated
    }
    assert {"kiss_idioms", "grimm"} == {n for n, i in table.items() if not i.licence_stated}


# --- augmentation format --------------------------------------------------------------------------

def test_with_terms_format():
    assert with_terms(["▁빨간", "▁사과"], []) == ["▁빨간", "▁사과", "</s>"]
    assert with_terms(["▁빨간", "▁사과"], [["▁red"], ["▁app", "le"]]) == [
        "▁빨간", "▁사과", "<sep>", "▁red", "<sep>", "▁app", "le", "</s>"]


def test_sampled_terms_are_reference_ngrams_of_content_words():
    reference = "The old farmer reads the letter, and the dog sees the big red apple."
    words = words_of(reference)
    rng = random.Random(0)
    for _ in range(200):
        terms = sample_terms(reference, rng, max_terms=2, max_words=3)
        assert 1 <= len(terms) <= 2
        for term in terms:
            tw = term.split()
            assert 1 <= len(tw) <= 3
            assert any(words[i : i + len(tw)] == tw for i in range(len(words)))  # a real n-gram
            assert tw[0].lower() not in STOPWORDS and tw[-1].lower() not in STOPWORDS
            assert "," not in term and "." not in term
    assert sample_terms("", rng) == []
    assert sample_terms("the of", rng)  # only function words: still usable as a fallback


# --- tiny end-to-end run through the CLI entry point ----------------------------------------------

TINY_ARGS = [
    "--src-vocab-size", "120", "--tgt-vocab-size", "110",
    "--enc-layers", "2", "--dec-layers", "2", "--d-model", "32", "--heads", "4", "--ffn", "64",
    "--dropout", "0.0", "--batch-tokens", "600", "--lr", "3e-3", "--warmup-steps", "10",
    "--max-minutes", "2", "--log-every", "10", "--eval-beam", "1", "--threads", "1", "--quiet",
]


@pytest.fixture(scope="module")
def trained(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One tiny run of the recipe (float32 export): (model directory, work directory)."""
    pytest.importorskip("torch")
    pytest.importorskip("ctranslate2")
    from translate.train.cli import main

    root = tmp_path_factory.mktemp("trained")
    out, work = root / "tiny-ko-en", root / "work"
    rc = main([
        "--output", str(out), "--work-dir", str(work),
        "--data", str(data_dir / "train"), "--data", str(data_dir / "extra"),
        "--dev", str(data_dir / "dev"), "--test", str(data_dir / "dev"),
        "--max-steps", "80", "--eval-every", "20", "--quantization", "float32",
        "--verify-sentences", "6", *TINY_ARGS,
    ])
    assert rc == 0
    return out, work


def _load_checkpoint(work: Path):
    import torch

    from translate.train.model import ModelConfig, Seq2SeqTransformer

    checkpoint = torch.load(work / "best.pt", map_location="cpu")
    model = Seq2SeqTransformer(ModelConfig(**checkpoint["model_config"]))
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval(), checkpoint


def test_train_export_and_ctranslate2_agreement(trained: tuple[Path, Path], tmp_path: Path):
    import ctranslate2

    from translate.train.batching import tokenize_corpus
    from translate.train.trainer import TrainConfig, train
    from translate.train.vocab import Tokenizer

    out, work = trained
    # OPUS-MT layout + contract metadata + card.
    for name in ("model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm",
                 "toolkit.json", "README.md"):
        assert (out / name).is_file(), name
    toolkit = json.loads((out / "toolkit.json").read_text(encoding="utf-8"))
    assert toolkit == {"format": 1, "name": "tiny-ko-en", "source_lang": "ko", "target_lang": "en",
                       "append_source_eos": True, "term_hints": {"separator": "<sep>"}}
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["decoder_start_token"] == "</s>" and config["add_source_eos"] is False
    vocabulary = json.loads((out / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert vocabulary[:3] == ["</s>", "<unk>", "<sep>"] and 60 < len(vocabulary) <= 230
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in card and "gamma" in card and "post-norm" in card and "dev loss" in card

    summary = json.loads((work / "summary.json").read_text(encoding="utf-8"))
    assert summary["sources"] == ["alpha", "beta", "epsilon"]
    assert "| epsilon | 60 | CC0 1.0 |" in card and "zeta" in card
    assert [e["name"] for e in summary["evaluations"]] == ["dev", "test"]
    assert "Moses detokeniser" in card and "| test: `" in card
    stats = summary["train"]
    assert stats["steps"] == 80 and stats["stop_reason"].startswith("max_steps")
    assert stats["last_train_loss"] < stats["first_train_loss"]  # it learns
    assert stats["history"] and stats["best_dev_loss"] == min(
        h["dev_loss"] for h in stats["history"]
    )
    assert stats["steps_per_second"] > 0 and stats["tokens_per_second"] > 0
    assert stats["warmup_steps"] == 8  # min(--warmup-steps 10, 10 % of the 80-step budget)
    assert summary["agreement"][0]["ok"]

    # Independent agreement check: the best checkpoint in PyTorch vs the export in CTranslate2.
    model, checkpoint = _load_checkpoint(work)
    tokenizer = Tokenizer.load(out / "source.spm", out / "target.spm")
    assert tokenizer.tokens == vocabulary == checkpoint["vocabulary"]
    translator = ctranslate2.Translator(str(out), device="cpu", compute_type="float32")

    sentences = ["큰 고양이는 사과를 먹는다.", "작은 소녀는 책를 읽는다."]
    sources = [tokenizer.source_pieces(s) + ["</s>"] for s in sentences]
    sources.append(tokenizer.source_pieces(sentences[0])[:-1] + ["<sep>"]
                   + tokenizer.target_pieces("red") + ["</s>"])
    results = translator.translate_batch(sources, beam_size=1, max_decoding_length=40)
    for src, result in zip(sources, results):
        ids, _, margins = model.greedy(tokenizer.ids(src), tokenizer.eos_id, tokenizer.eos_id,
                                       max_len=40)
        torch_tokens = [tokenizer.tokens[i] for i in ids]
        ct2_tokens = result.hypotheses[0]
        if torch_tokens != ct2_tokens:  # only acceptable at an exact near-tie
            first = next(i for i, (a, b) in enumerate(zip(torch_tokens + [""], ct2_tokens + [""]))
                         if a != b)
            assert margins[first] < 1e-4, (torch_tokens, ct2_tokens)
        # Teacher-forced log-probs of the torch hypothesis agree token by token.
        ct2_scores = translator.score_batch([src], [torch_tokens])[0].log_probs
        torch_scores = model.score(tokenizer.ids(src), ids, tokenizer.eos_id, tokenizer.eos_id)
        assert len(ct2_scores) == len(torch_scores)
        assert max(abs(a - b) for a, b in zip(ct2_scores, torch_scores)) < 1e-3
    assert tokenizer.detokenize(results[0].hypotheses[0]).strip()  # it translates into something

    # The wall-clock budget stops training even when the step budget is far away.
    pairs, _ = tokenize_corpus(tokenizer, ["큰 개는 빵을 산다."] * 20,
                               ["The big dog buys the bread."] * 20, 100)
    budget = TrainConfig(max_steps=10**6, max_minutes=0.03, eval_every=0, batch_tokens=200,
                         warmup_steps=5, device="cpu")
    result = train(model.train(), tokenizer, pairs, pairs, budget, tmp_path / "budget")
    assert result.stop_reason.startswith("max_minutes") and 0 < result.steps < 10**6
    assert result.seconds < 0.03 * 60 + 5 and (tmp_path / "budget" / "best.pt").is_file()


def test_untrained_model_export_check_agrees(trained: tuple[Path, Path], tmp_path: Path):
    """The issue's case: an untrained model's first choice is </s>, which CTranslate2 refuses at
    step 1 (min_decoding_length=1); the check must decode torch under the same rule."""
    import torch

    from translate.train.export import export_ctranslate2
    from translate.train.model import Seq2SeqTransformer
    from translate.train.verify import compare
    from translate.train.vocab import Tokenizer

    out, work = trained
    trained_model, checkpoint = _load_checkpoint(work)
    torch.manual_seed(0)
    model = Seq2SeqTransformer(trained_model.cfg).eval()
    with torch.no_grad():
        model.output_bias[0] = 5.0  # </s> (id 0) is by far the likeliest first token
    export_ctranslate2(model.cfg, model.state_dict(), checkpoint["vocabulary"], out / "source.spm",
                       out / "target.spm", tmp_path / "untrained", "untrained", "float32")
    tokenizer = Tokenizer.load(out / "source.spm", out / "target.spm")
    first, _, _ = model.greedy(tokenizer.ids(["▁큰", "</s>"]), 0, 0, max_len=8, min_len=0)
    assert first == []  # unconstrained, torch would stop at once
    sources = [tokenizer.source_pieces(s) + ["</s>"]
               for s in ["큰 개는 빵을 산다.", "소녀는 물을 본다."]]
    report = compare(model, tokenizer, tmp_path / "untrained", sources, max_len=8, threads=1)
    assert report.ok and report.identical == 2, report.summary()


def test_export_check_fails_cleanly_on_a_broken_export(
    trained: tuple[Path, Path], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
):
    from translate.train.export import export_ctranslate2
    from translate.train.verify import main as verify_main

    out, work = trained
    model, checkpoint = _load_checkpoint(work)
    args = ["--dev", str(data_dir / "dev"), "--sentences", "4", "--threads", "1"]
    assert verify_main([str(work / "best.pt"), str(out), *args]) == 0
    assert "identical" in capsys.readouterr().out

    # Same model, one decoder weight perturbed in the export: loads and translates, but wrongly.
    state = {k: v.clone() for k, v in checkpoint["state_dict"].items()}
    state["decoder_layers.0.ffn.linear_1.weight"] *= 1.5
    broken = tmp_path / "broken"
    export_ctranslate2(model.cfg, state, checkpoint["vocabulary"], out / "source.spm",
                       out / "target.spm", broken, "broken", "float32")
    assert verify_main([str(work / "best.pt"), str(broken), *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "disagrees" in err
    assert "Traceback" not in err


def test_too_small_vocabulary_is_one_line(data_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture):
    pytest.importorskip("torch")
    from translate.train.cli import main

    rc = main(["--output", str(tmp_path / "m"), "--data-dir", str(data_dir / "train"),
               "--dev", str(data_dir / "dev"), *TINY_ARGS, "--src-vocab-size", "12"])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1, err
    assert err.startswith("error: --src-vocab-size 12 is too small") and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_term_hint_layout_is_the_same_in_training_and_engine(trained: tuple[Path, Path]):
    """The engine feeds hints to a model exactly as training showed them: the hinted copies the
    recipe trains on, rebuilt by Engine.source_tokens from the same terms, are the same tokens."""
    import numpy as np

    from translate.engine import Engine
    from translate.model_files import open_model
    from translate.train.batching import epoch_examples, tokenize_corpus
    from translate.train.vocab import Tokenizer

    out, _ = trained
    engine = Engine(open_model(out))
    tokenizer = Tokenizer.load(out / "source.spm", out / "target.spm")
    ko, en = "큰 개는 빵을 산다.", "The big dog buys the bread."
    corpus, _ = tokenize_corpus(tokenizer, [ko], [en], max_pieces=100)
    seen = set()
    for seed in range(8):
        examples = epoch_examples(corpus, np.arange(1), tokenizer, random.Random(seed),
                                  term_prob=1.0, max_terms=2, max_term_words=3, max_pieces=100)
        assert list(examples.augmented) == [False, True]
        plain, hinted = (  # as pieces of the vocabulary, which is what the model sees
            [tokenizer.tokens[i] for i in examples.src[s : s + n]]
            for s, n in zip(examples.src_starts, examples.src_lengths)
        )

        def seen_by_model(tokens: list[str]) -> list[str]:  # e.g. an unknown character -> <unk>
            return [tokenizer.tokens[i] for i in tokenizer.ids(tokens)]

        assert plain == seen_by_model(engine.source_tokens(engine.source_pieces(ko)))
        # The terms, read back as text from the training tokens...
        terms: list[list[str]] = []
        for token in hinted[len(plain) - 1 : -1]:
            if token == "<sep>":
                terms.append([])
            else:
                terms[-1].append(token)
        texts = [tokenizer.detokenize(t) for t in terms]
        assert 1 <= len(texts) <= 2 and all(t and t in en for t in texts)
        # ... and handed to the engine as a glossary would: the same tokens.
        engine_tokens = engine.source_tokens(engine.source_pieces(ko),
                                             [engine.target_pieces(t) for t in texts])
        assert hinted == seen_by_model(engine_tokens)
        seen.add(tuple(texts))
    assert len(seen) > 1  # different hints on different epochs


def test_batches_cover_every_pair_within_the_token_budget(trained: tuple[Path, Path],
                                                          data_dir: Path):
    """The vectorised batches hold what the per-example code held: each pair once per epoch
    (plus hinted copies), ≤ batch_tokens padded tokens a side, targets shifted by </s>; and the
    DataLoader workers split the pairs between them without loss or overlap."""
    import numpy as np

    from translate.train.batching import EpochBatches, batch_loader, tokenize_corpus
    from translate.train.sources import read_pairs
    from translate.train.vocab import Tokenizer

    out, _ = trained
    tokenizer = Tokenizer.load(out / "source.spm", out / "target.spm")
    ko, en = read_pairs(data_dir / "train" / "beta")
    corpus, dropped = tokenize_corpus(tokenizer, ko, en, max_pieces=100)
    assert dropped == 0 and len(corpus) == 150
    eos = tokenizer.eos_id
    dataset = EpochBatches(corpus, tokenizer, 300, seed=3, term_prob=0.5, max_terms=2,
                           max_term_words=3, max_pieces=100)
    def pair(i: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        src = corpus.src[corpus.src_offsets[i] : corpus.src_offsets[i + 1]]
        return tuple(src.tolist()), tuple(
            corpus.tgt[corpus.tgt_offsets[i] : corpus.tgt_offsets[i + 1]].tolist()
        )

    expected = Counter(pair(i) for i in range(len(corpus)))
    # a target's source (the same in every copy here)
    sources_of = {tgt: src for src, tgt in expected}
    plain_seen: Counter = Counter()
    hinted = 0
    for batch in dataset.epoch(1):
        assert batch.src.shape[0] * batch.src.shape[1] <= 300 and batch.tgt_in.numel() <= 300
        assert (batch.tgt_in[:, 0] == eos).all()
        for row in range(batch.src.shape[0]):
            src = tuple(batch.src[row, : int(batch.src_lengths[row])].tolist())
            out_row = batch.tgt_out[row][batch.tgt_out[row] != -100].tolist()
            assert src[-1] == eos and out_row[-1] == eos
            assert batch.tgt_in[row, 1 : len(out_row)].tolist() == out_row[:-1]  # shifted by </s>
            tgt = tuple(out_row[:-1])
            if (src, tgt) in expected:
                plain_seen[(src, tgt)] += 1
            else:  # a hinted copy: the pair's source, then <sep> and target pieces
                hinted += 1
                plain = sources_of[tgt]
                assert (src[: len(plain) - 1] == plain[:-1]
                        and src[len(plain) - 1] == tokenizer.sep_id)
    assert plain_seen == expected and 30 < hinted < 120

    workers = batch_loader(dataset, workers=2, pin_memory=False)
    served = [next(workers) for _ in range(60)]
    first_epoch = [b for b in served if b.epoch == 1]
    assert sum(b.examples - b.augmented for b in first_epoch) == 150  # shards: disjoint, complete
    del workers
    assert np.all(corpus.src_lengths >= 2)


def test_recipe_with_a_broken_export_ends_in_one_line(data_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture):
    """The whole recipe, with the exporter made to write one perturbed tensor: exit status 1,
    one ``error:`` line, and nothing at --output (the export is staged and removed)."""
    pytest.importorskip("torch")
    from translate.train import pipeline
    from translate.train.cli import main

    real_export = pipeline.export_ctranslate2

    def broken_export(cfg, state, *args, **kwargs):
        state = dict(state)
        state["decoder_layers.0.attention.q.weight"] = (
            state["decoder_layers.0.attention.q.weight"] * 1.5
        )
        return real_export(cfg, state, *args, **kwargs)

    monkeypatch.setattr(pipeline, "export_ctranslate2", broken_export)
    out = tmp_path / "m"
    rc = main(["--output", str(out), "--data", str(data_dir / "train"),
               "--dev", str(data_dir / "dev"), "--no-eval", "--max-steps", "30",
               "--eval-every", "0", "--quantization", "float32", *TINY_ARGS])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and err.startswith("error: "), err
    assert "disagrees with the torch model" in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / ".m.partial").exists()
