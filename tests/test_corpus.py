"""``translate corpus`` on a local Ray: every segment once and in order, failures reported by
file and line, and a run stopped part-way (worker error, Ctrl-C) resumed to byte-identical files.

Ray starts once for the module (about 5 s); each corpus run reuses it.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("pyarrow")

from tinymodel import generate_corpus  # noqa: E402

from translate.corpus import CorpusSettings, run_corpus, translate_dataset  # noqa: E402
from translate.corpus.cli import main as corpus_main  # noqa: E402
from translate.corpus.inputs import discover, plan_shards  # noqa: E402
from translate.corpus.runtime import init_ray  # noqa: E402
from translate.corpus.shards import ShardStore  # noqa: E402
from translate.corpus.worker import FAIL_SHARD_ENV  # noqa: E402
from translate.options import DecodeOptions  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "resources" / "glossary"
FAST = DecodeOptions(beam_size=2, num_hypotheses=2)      # the tiny model: speed, not quality


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    init_ray(num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Four files in three formats (one in a subfolder), ~300 segments, 3 bad lines."""
    ko, _ = generate_corpus()
    root = tmp_path_factory.mktemp("corpus") / "press"
    (root / "2023").mkdir(parents=True)
    paras = ["\n".join(ko[i:i + 6]) for i in range(0, 120, 6)]
    (root / "a.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    (root / "b.tsv").write_text("source\tnote\n" + "".join(f"{s}\tx\n" for s in ko[120:180])
                                + "가" * 500 + "\n", encoding="utf-8")
    lines = [json.dumps({"source": s}, ensure_ascii=False) for s in ko[180:230]]
    lines.insert(10, "{not json")
    (root / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good = "\n".join(ko[230:270]).encode()
    (root / "2023" / "d.txt").write_bytes(good + b"\n\x80\x81 broken \xff\n" + "끝.".encode())
    (root / "ignored.png").write_bytes(b"\x89PNG")
    return root


def settings(model: Path, **kw) -> CorpusSettings:
    base = dict(model=str(model), glossary=[str(GLOSSARY)], shard_size=25, workers=2,
                formats=("tmx", "tsv", "xliff"), decoding=FAST)
    return CorpusSettings(**{**base, **kw})


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def reference(corpus, tiny_model, tmp_path_factory) -> Path:
    """One uninterrupted run that the other tests compare against."""
    out = tmp_path_factory.mktemp("reference")
    run_corpus([corpus], out, settings(tiny_model), progress=False, log=lambda m: None)
    return out


def planned(corpus: Path) -> list[tuple[str, int, str]]:
    return [(r["doc"], r["index"], r["source"])
            for s in plan_shards(discover([corpus]), 25) for r in s.rows]


def tsv_rows(path: Path) -> list[dict[str, str]]:
    """The TSV output as a standard reader sees it (RFC 4180 quoting, dialect excel-tab)."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, dialect="excel-tab"))


def test_every_segment_exactly_once_in_order(corpus, reference):
    want = planned(corpus)
    assert len(want) > 250
    rows = [json.loads(line) for p in sorted((reference / "shards").glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["doc"], r["index"], r["source"]) for r in rows) == sorted(want)
    tsv = tsv_rows(reference / "corpus.tsv")
    assert [row["source"] for row in tsv] == [s for _, _, s in want]
    docs = [d for d, _, _ in want]
    assert docs == sorted(docs, key=["press/2023/d.txt", "press/a.txt", "press/b.tsv",
                                     "press/c.jsonl"].index)
    assert all(r["translation"] for r in rows if not r["error"])
    report = json.loads((reference / "terms.json").read_text(encoding="utf-8"))
    assert report["segments"] == len(want) and report["found"] > 0


def test_failed_segments_reported_with_file_and_line(corpus, reference):
    failures = [json.loads(line) for line in
                (reference / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    where = {(Path(f["file"]).name, f["line"]): f["error"] for f in failures}
    assert set(where) == {("d.txt", 41), ("b.tsv", 62), ("c.jsonl", 11)}
    assert where[("d.txt", 41)].startswith("undecodable line")
    assert where[("b.tsv", 62)].startswith("segment too long")
    assert where[("c.jsonl", 11)].startswith("not JSON")
    text = (reference / "failures.txt").read_text(encoding="utf-8")
    assert f"{corpus / 'b.tsv'}:62: segment too long" in text
    # still in the merged output, once, untranslated and marked
    tmx = (reference / "corpus.tmx").read_text(encoding="utf-8")
    assert tmx.count("not translated: segment too long") == 1


def test_resume_after_worker_failure_is_byte_identical(corpus, tiny_model, reference,
                                                      tmp_path, monkeypatch):
    shards = [s.name for s in plan_shards(discover([corpus]), 25)]
    out = tmp_path / "out"
    monkeypatch.setenv(FAIL_SHARD_ENV, shards[-2])
    with pytest.raises(Exception, match="test hook"):
        run_corpus([corpus], out, settings(tiny_model, workers=1), progress=False,
                   log=lambda m: None)
    done = len(list((out / "shards").glob("*.done")))
    assert 0 < done < len(shards)
    assert not (out / "corpus.tmx").exists()        # nothing merged from a partial run
    monkeypatch.delenv(FAIL_SHARD_ENV)
    result = run_corpus([corpus], out, settings(tiny_model), progress=False, log=lambda m: None)
    assert result.reused_shards == done and result.segments == len(planned(corpus))
    assert tree(out) == tree(reference)


def test_resume_after_ctrl_c_in_a_subprocess(corpus, tiny_model, reference, tmp_path):
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "koen.cli", "corpus", str(corpus), "-o", str(out),
            "--model", str(tiny_model), "-g", str(GLOSSARY), "--shard-size", "25",
            "--workers", "1", "--format", "tmx,tsv,xliff", "--beam", "2", "--hypotheses", "2",
            "--no-progress"]
    proc = subprocess.Popen(argv, cwd=REPO, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 90
    while not list((out / "shards").glob("*.done")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=60)[1]
    done = len(list((out / "shards").glob("*.done")))
    if proc.returncode == 0:
        pytest.skip("the run finished before Ctrl-C arrived; nothing to resume")
    assert proc.returncode == 130, err
    assert "rerun the same command to resume" in err
    assert not list((out / "shards").glob(".*.tmp"))   # no half-written shard left behind
    result = run_corpus([corpus], out, settings(tiny_model), progress=False, log=lambda m: None)
    assert result.reused_shards == done > 0
    assert tree(out) == tree(reference)


def test_tampered_shard_is_redone(corpus, tiny_model, reference, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(reference, out)
    victim = sorted((out / "shards").glob("*.jsonl"))[3]
    victim.write_bytes(victim.read_bytes()[:-20])             # truncated by a crash, say
    result = run_corpus([corpus], out, settings(tiny_model), progress=False, log=lambda m: None)
    assert result.reused_shards == result.shards - 1
    assert tree(out) == tree(reference)


def test_parquet_shards_and_cli(corpus, tiny_model, reference, tmp_path, capsys):
    out = tmp_path / "out"
    code = corpus_main([str(corpus), "-o", str(out), "--model", str(tiny_model),
                        "-g", str(GLOSSARY), "--shard-size", "25", "--workers", "2",
                        "--format", "tmx,tsv,xliff", "--beam", "2", "--hypotheses", "2",
                        "--shard-format", "parquet", "--no-progress", "--json"])
    assert code == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    assert summary["failures"] == 3 and summary["segments"] == len(planned(corpus))
    store = ShardStore(out, "parquet", "")
    assert len(list((out / "shards").glob("*.parquet"))) == summary["shards"]
    assert store.read(sorted(p.stem for p in (out / "shards").glob("*.parquet"))[0])
    for name in ("corpus.tmx", "corpus.tsv", "corpus.xlf", "terms.json", "failures.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_translate_dataset_keeps_user_columns(tiny_model):
    ko, _ = generate_corpus()
    ds = ray.data.from_items([{"id": f"t{i}", "source": s} for i, s in enumerate(ko[:40])])
    rows = translate_dataset(ds, model=tiny_model, glossary=GLOSSARY, workers=1,
                             options=FAST).take_all()
    assert sorted(r["id"] for r in rows) == sorted(f"t{i}" for i in range(40))
    assert all(r["translation"] and r["error"] is None for r in rows)
    assert any(t["status"] == "applied" for r in rows for t in r["terms"])
    json.dumps(rows, ensure_ascii=False)       # plain JSON-serialisable columns


def test_bad_options_and_missing_ray(tmp_path, capsys, monkeypatch):
    assert corpus_main([str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")]) == 2
    assert "file not found" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "ray", None)
    assert corpus_main([str(tmp_path), "-o", str(tmp_path / "o")]) == 2
    assert 'pip install -e ".[distributed]"' in capsys.readouterr().err


def test_toolkit_imports_without_ray():
    code = ("import sys; sys.modules['ray'] = None; import translate.corpus, koen.cli, "
            "translate.pipeline; assert translate.corpus.RayMissing")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_shared_model_small_corpus(shared_model, tmp_path):
    ko, _ = generate_corpus()
    src = tmp_path / "news.txt"
    lines = ko[::20]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_corpus([src], out, CorpusSettings(model=str(shared_model),
                                                   glossary=[str(GLOSSARY)], shard_size=8,
                                                   workers=2, formats=("tsv",)),
                        progress=False, log=lambda m: None)
    assert result.segments == len(lines) and result.failures == 0
    rows = tsv_rows(out / "corpus.tsv")
    assert [r["source"] for r in rows] == lines
    assert all(r["translation"].strip() for r in rows)
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows)
    report = json.loads((out / "terms.json").read_text(encoding="utf-8"))
    assert report["status"]["applied"] > 0


def test_an_edited_glossary_at_the_same_path_is_not_reused(corpus, tiny_model, reference,
                                                         tmp_path):
    """The resume key hashes the glossary's contents, not its path."""
    import shutil

    glossary = tmp_path / "g.yaml"
    shutil.copy(sorted(GLOSSARY.glob("*.yaml"))[0], glossary)
    out = tmp_path / "out"
    first = run_corpus([corpus], out, settings(tiny_model, glossary=[str(glossary)]),
                       progress=False, log=lambda m: None)
    assert first.reused_shards == 0
    again = run_corpus([corpus], out, settings(tiny_model, glossary=[str(glossary)]),
                       progress=False, log=lambda m: None)
    assert again.reused_shards == again.shards
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n# reviewed\n",
                        encoding="utf-8")
    edited = run_corpus([corpus], out, settings(tiny_model, glossary=[str(glossary)]),
                        progress=False, log=lambda m: None)
    assert edited.reused_shards == 0
    signature = json.loads((out / "terms.json").read_text(encoding="utf-8"))["signature"]
    assert "glossary:" in signature and "beam:2" in signature and "steps:rerank+splice+prefix" \
        in signature
    assert 'type="x-signature"' in (out / "corpus.tmx").read_text(encoding="utf-8")


def test_fail_on_reads_the_written_report(corpus, tiny_model, reference, tmp_path, capsys):
    """Rerun on a copy of the reference run (every shard reused): the gate follows terms.json."""
    import shutil

    report = json.loads((reference / "terms.json").read_text(encoding="utf-8"))
    found = [c for c, n in report["qa"].items() if sum(n.values())]
    absent = [c for c, n in report["qa"].items() if not sum(n.values())]
    assert found and absent, report["qa"]
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    argv = [str(corpus), "-o", str(out), "--model", str(tiny_model), "-g", str(GLOSSARY),
            "--shard-size", "25", "--workers", "2", "--format", "tmx,tsv,xliff",
            "--beam", "2", "--hypotheses", "2", "--no-progress"]
    assert corpus_main([*argv, "--fail-on", found[0]]) == 1
    n = sum(report["qa"][found[0]].values())
    assert f"translate corpus: --fail-on: {n} {found[0]}" in capsys.readouterr().err
    assert corpus_main([*argv, "--fail-on", ",".join(absent)]) == 0
    assert corpus_main([*argv, "--fail-on", "omision"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("translate corpus: --fail-on: unknown code(s) omision")
    assert (out / "terms.json").read_bytes() == (reference / "terms.json").read_bytes()
