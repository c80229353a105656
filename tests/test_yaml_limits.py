"""Hostile YAML (issue 18, items 1 and 2): alias bombs, deep nesting, complex keys.

A glossary arrives by pull request, so each recipe runs through the real commands in a
subprocess with a timeout: a regression shows as a hang or a traceback, not a slow test.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bitext.errors import InputError
from bitext.yamlsafe import BoundedLoader, load_yaml
from glossary.load import load_glossary

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def alias_bomb(where: str) -> str:
    """The audit's recipe: 9 levels of 9 aliases in ``description:`` or a term's ``note:``
    (9**9 leaves once expanded, about 1 KB written)."""
    levels = ["&a0 [lol]"] + [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    nest = "[" + ", ".join(levels[:-1]) + "]"
    if where == "description":
        return (f"name: bomb\ndescription: [{nest}, {levels[-1]}]\nterms:\n"
                "  - source: 전장\n    target: battlefield\n")
    return (f"terms:\n  - source: 전장\n    target: battlefield\n"
            f"    note: [{nest}, {levels[-1]}]\n")


def run_cli(*argv: str, timeout: float = 20) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=timeout, env=env, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("where", ["description", "note"])
def test_alias_bomb_is_refused_by_every_command(tmp_path, where):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(where), encoding="utf-8")
    assert len(bomb.read_bytes()) < 1200
    bitext = tmp_path / "pair.tsv"
    bitext.write_text("전장\tbattlefield\n", encoding="utf-8")
    text = tmp_path / "in.txt"
    text.write_text("전장에서\n", encoding="utf-8")
    line = 2 if where == "description" else 4
    for argv in ([BIN / "glossary", "lint", bomb], [BIN / "glossary", "fmt", bomb],
                 [BIN / "glossary", "check", bitext, "-g", bomb],
                 [BIN / "translate", text, "-g", bomb]):
        start = time.monotonic()
        done = run_cli(*argv)
        assert time.monotonic() - start < 15
        out = (done.stdout + done.stderr).strip()
        assert f"{bomb}:{line}: " in out and "anchor &a" in out, (argv, out)
        assert "Traceback" not in out
        assert done.returncode in (1, 2) if argv[1] == "lint" else done.returncode == 2


def test_alias_and_anchor_are_each_refused_with_their_line(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  - source: 가\n    target: a\n    note: *x\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_glossary(path)
    assert str(e.value).startswith(f"{path}:4: ")      # undefined alias: still one line
    path.write_text("terms:\n  - &t\n    source: 가\n    target: a\n", encoding="utf-8")
    with pytest.raises(InputError, match="anchor &t is not allowed") as e:
        load_glossary(path)
    assert e.value.line == 2


def test_complex_mapping_key_is_one_line(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  - source: 가\n    target: a\n    ? [a, b]\n    : x\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="key must be a plain string") as e:
        load_glossary(path)
    assert (e.value.path, e.value.line) == (str(path), 4)
    done = run_cli(BIN / "glossary", "fmt", path)
    assert done.returncode == 2
    assert done.stderr.strip().endswith(f"{path}:4: a key must be a plain string, not a list "
                                        "or mapping (`? [a, b]` complex keys are not allowed)")


def test_deep_nesting_is_refused_before_recursion(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  - source: " + "[" * 100_000 + "]" * 100_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="nested deeper than") as e:
        load_glossary(path)
    assert e.value.line == 2


# --------------------------------------------------------------------------- bounded loader

def test_bounded_loader_keeps_ordinary_aliases():
    data = load_yaml("base: &b {ok: Ok, cancel: Cancel}\nde:\n  <<: *b\n  ok: OK\n", "s.yaml")
    assert data["de"] == {"ok": "OK", "cancel": "Cancel"}


def test_bounded_loader_refuses_the_bomb_quickly():
    start = time.monotonic()
    with pytest.raises(InputError, match="expand to more than") as e:
        load_yaml(alias_bomb("description"), "strings.yaml")
    assert time.monotonic() - start < 2
    assert e.value.path == "strings.yaml" and e.value.line == 2


def test_bounded_loader_limit_is_a_class_setting():
    class Small(BoundedLoader):
        max_nodes = 10

    text = "a: &x [1, 2, 3]\nb: [*x, *x, *x]\n"
    assert load_yaml(text)["b"][2] == [1, 2, 3]
    with pytest.raises(InputError, match="more than 10 values"):
        load_yaml(text, "s.yaml", Small)


def test_bounded_loader_refuses_a_self_referencing_alias():
    with pytest.raises(InputError, match="refers to itself"):
        load_yaml("a: &x [1, *x]\n", "s.yaml")


def test_bounded_loader_refuses_python_tags():
    with pytest.raises(InputError, match="not allowed"):
        load_yaml("a: !!python/object/apply:os.system [echo hi]\n", "s.yaml")
