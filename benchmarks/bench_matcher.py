"""Matcher alone: a 100,000-entry glossary, the automaton alone vs with Kiwi, at 1×/2×/4× text.

Why both in one run: "before" (``TermMatcher(morphology=False)``: Aho–Corasick plus the
particle rule, the matcher as it was before Kiwi) and "after" (Kiwi judges the hits glued to
Hangul) only compare on the same machine at the same moment: their passes are interleaved and
timed in CPU seconds (steadier than wall time on a shared host; wall time is shown too).
Seconds per MB should stay flat from 1× to 4× for both (linear in the text); the Kiwi column
says how many sentences needed an analysis, which is what the "after" cost is made of.
Run: ``python benchmarks/bench_matcher.py [--repeats N]`` (no model needed).
"""
from __future__ import annotations

import argparse
import random
import sys
import time

import common
from common import median, peak_rss_mb, table, timed

from glossary import Glossary, Term, TermMatcher, load_glossary
from glossary.morph import kiwi

SYNTHETIC_TERMS = 100_000
REAL = [common.GLOSSARY_DIR, common.ROOT / "resources" / "termtest" / "news-glossary.yaml"]


def korean_like(rng: random.Random) -> str:
    """A 2–5 syllable Hangul word (random initial/medial/final jamo); sometimes two words."""
    def syllable() -> str:
        lead, vowel = rng.randrange(19), rng.randrange(21)
        tail = rng.randrange(28) if rng.random() < 0.4 else 0
        return chr(0xAC00 + (lead * 21 + vowel) * 28 + tail)

    def word(k: int) -> str:
        return "".join(syllable() for _ in range(k))

    if rng.random() < 0.2:
        return word(rng.randint(2, 3)) + " " + word(rng.randint(2, 3))
    return word(rng.randint(2, 5))


def synthetic_glossary(n: int = SYNTHETIC_TERMS, seed: int = 0,
                       real: list[Term] | None = None) -> Glossary:
    """``real`` terms plus synthetic headwords up to n in all, deterministic for a seed."""
    rng = random.Random(seed)
    terms = list(real or [])
    seen = {"".join(s.split()) for t in terms for s in t.spellings}
    while len(terms) < n:
        src = korean_like(rng)
        key = src.replace(" ", "")
        if key in seen:
            continue
        seen.add(key)
        terms.append(Term(src, f"term {len(terms)}"))
    return Glossary(terms)


def _pass(matcher: TermMatcher, text: list[str]) -> tuple[float, float, int, int]:
    """(CPU seconds, wall seconds, matches, sentences Kiwi analysed) of one pass."""
    before, cpu0, wall0 = matcher.analysed, time.process_time(), time.perf_counter()
    found = sum(len(matcher.find(t)) for t in text)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return cpu, wall, found, matcher.analysed - before


def _runs(matchers: list[TermMatcher], text: list[str], repeats: int) -> list[tuple]:
    """Per matcher (median CPU s, median wall s, matches, analysed); passes interleaved so
    drifting load on a shared host hits both alike.  CPU time is the steadier measure there."""
    passes: list[list[tuple]] = [[] for _ in matchers]
    for _ in range(repeats):
        for runs, matcher in zip(passes, matchers):
            runs.append(_pass(matcher, text))
    return [(median([r[0] for r in runs]), median([r[1] for r in runs]), runs[-1][2],
             runs[-1][3]) for runs in passes]


def bench_matcher(lines: list[str], repeats: int) -> str:
    real = [t for path in REAL for t in load_glossary(path)]
    rss0 = peak_rss_mb()
    gl, gen_s = timed(lambda: synthetic_glossary(real=real))
    old, build_old = timed(lambda: TermMatcher(gl, morphology=False))
    rss_built = peak_rss_mb()
    _, load_s = timed(kiwi)   # loaded on first use; timed apart from building and matching
    rss_kiwi = peak_rss_mb()
    new, build_new = timed(lambda: TermMatcher(gl))   # analyses the spellings ending in 다
    names = ("before: automaton + particle rule", "after: + Kiwi on glued hits")
    rows = []
    base: dict[str, float] = {}
    for k in (1, 2, 4):
        text = lines * k
        mb = sum(len(t.encode("utf-8")) for t in text) / 1e6
        (b_cpu, b_wall, b_n, _), (a_cpu, a_wall, a_n, analysed) = _runs([old, new], text,
                                                                        repeats)
        for name, cpu, wall, n, share in (
                (names[0], b_cpu, b_wall, b_n, "—"),
                (names[1], a_cpu, a_wall, a_n,
                 f"{analysed:,} ({100 * analysed / len(text):.1f}%)")):
            base.setdefault(name, cpu / mb)
            rows.append([name, f"{k}×", len(text), mb, cpu, wall, cpu / mb,
                         (cpu / mb) / base[name], n, share,
                         f"{a_cpu / b_cpu:.1f}" if name == names[1] else "—"])
    head = (f"glossary: {len(gl):,} terms ({len(real)} real from resources/glossary and "
            f"news-glossary.yaml, the rest synthetic) generated in {gen_s:.1f}s; TermMatcher "
            f"built in {build_old:.2f}s (before) / {build_new:.2f}s (after); Kiwi loaded on "
            f"first use in {load_s:.2f}s; peak RSS {rss0:.0f} MB at start, {rss_built:.0f} MB "
            f"with the 'before' matcher, {rss_kiwi:.0f} MB with Kiwi loaded, "
            f"{peak_rss_mb():.0f} MB at the end (both matchers)\n")
    headers = ["matcher", "text", "lines", "MB (UTF-8)", "CPU s (median)", "wall s (median)",
               "CPU s per MB", "s/MB vs 1×", "matches", "sentences Kiwi analysed",
               "after/before CPU"]
    return head + "\n" + table(headers, rows, digits=3)


def bench_real(lines: list[str], repeats: int) -> str:
    """The same text with the real glossaries alone: how often a realistic glossary needs Kiwi."""
    real = [t for path in REAL for t in load_glossary(path)]
    mb = sum(len(t.encode("utf-8")) for t in lines) / 1e6
    (b_cpu, b_wall, b_n, _), (a_cpu, a_wall, a_n, analysed) = _runs(
        [TermMatcher(real, morphology=False), TermMatcher(real)], lines, repeats)
    rows = [["before: automaton + particle rule", len(lines), b_cpu, b_wall, b_cpu / mb, b_n,
             "—", "—"],
            ["after: + Kiwi on glued hits", len(lines), a_cpu, a_wall, a_cpu / mb, a_n,
             f"{analysed:,} ({100 * analysed / len(lines):.1f}%)", f"{a_cpu / b_cpu:.1f}"]]
    return (f"real terms only ({len(real)}: resources/glossary + news-glossary.yaml), 1×\n\n"
            + table(["matcher", "lines", "CPU s (median)", "wall s (median)", "CPU s per MB",
                     "matches", "sentences Kiwi analysed", "after/before CPU"], rows, digits=3))


def text_lines() -> tuple[list[str], str]:
    news = common.load_news()
    if news:
        return news[0], "news test set (Korean side)"
    return [r["source"] for r in common.load_termtest()] * 20, "term test set ×20 (news absent)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="timed repeats (median; default 3)")
    args = p.parse_args(argv)
    lines, where = text_lines()
    print(f"### Matcher alone: {SYNTHETIC_TERMS:,}-entry glossary over the {where}\n")
    print(bench_matcher(lines, args.repeats))
    print()
    print(bench_real(lines, args.repeats))
    print("\ns per MB flat from 1× to 4× = linear in the text. \"after\" = the shipped matcher; "
          "\"before\" = TermMatcher(morphology=False), the matcher before Kiwi.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
