"""Subtitle cues as translation units, and the English written back into them.

What SRT and WebVTT share lives here; ``documents/formats/srt.py`` and ``vtt.py`` only find
the cues in their files. A cue's lines are one text (joined by spaces) because a subtitle
line break is layout, not grammar; the English is re-wrapped to the cue's line count.

Styling tags (``<i>``, ``<b>``, ``<font …>``, ``<c.class>``, ``<v Name>``, timestamps,
ASS overrides such as ``{\\an8}``) become inline codes. Tags that wrap the whole cue, or
every line of it alike, are not handed to the layer at all: they are set aside and put
back around the English, which is what a subtitler expects and leaves nothing to guess.

A sentence that runs over several cues (the cue ends without final punctuation or a
Korean final ending, and the next follows at once) is one unit: translated whole, the
English is spread back over its cues, cut at word boundaries so that as little as possible
overflows what each cue holds (its lines x ``max_line_length``) and otherwise in proportion
to the Korean each held, and each part is wrapped to its cue's line count. Where a line
still comes out longer than ``max_line_length`` a ``subtitle-fit`` warning is added to the
unit (the line count is kept; the English is never cut off).

Untranslated units (target equal to source, or none) are written back from the original
text, so an identity round trip is byte-equal.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bitext.qa.issue import QAIssue
from bitext.records import TermStatus

from .model import Code, CodeKind, Content, Unit, UnitState, joined, plain_text
from .text import classify, has_korean

MAX_LINE_LENGTH = 42      # characters per line, the common broadcast/Netflix limit
MAX_GAP = 1.5             # seconds between cues that may still carry one sentence
MAX_GROUP = 4             # cues one sentence may span (more is a missing-punctuation file)
TAIL = 40                 # characters of a cue's end that Kiwi reads to decide

# <i> </i> <b> <u> <font color="#fff"> <c.yellow.bg> <v Mary> <lang en> <ruby> <rt>,
# a VTT timestamp <00:01.500>, an ASS override {\an8} or {\i1}
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\.[^\s.<>]+)*(?:[ \t][^<>]*)?>"
                 r"|<\d+(?::\d{2}){1,2}\.\d{3}>|\{\\[^{}\n]*\}")
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
FINAL_PUNCT = re.compile(r"[.?!。？！♪♫\"'”’」』)\]]\s*$")
ELLIPSIS_END = re.compile(r"(\.\.\.|…)\s*$")
ELLIPSIS_START = re.compile(r"^\s*(\.\.\.|…)")
DIALOGUE = re.compile(r"^\s*[-–—]\s*")
# Kiwi tags after which a Korean clause is not over: connective and adnominal endings,
# case particles, conjunctions and conjunctive adverbs (그리고, 하지만)
CONTINUING_TAGS = frozenset({"EC", "ETM", "JKS", "JKC", "JKG", "JKO", "JKB", "JKQ", "JC",
                             "JX", "MAJ"})


# --------------------------------------------------------------------------- markup

@dataclass(frozen=True)
class Tag:
    raw: str
    name: str          # "i", "font", "c", "v", … ; "" for timestamps and ASS overrides


def lex(text: str) -> list[str | Tag]:
    """Text and tags in order (adjacent strings merged; empty ones dropped)."""
    out: list[str | Tag] = []
    pos = 0
    for m in TAG.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        name = TAG_NAME.match(m.group())
        out.append(Tag(m.group(), name.group(1).lower() if name else ""))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _pairs(tokens: Sequence[str | Tag]) -> dict[int, int]:
    """Index of each paired tag → index of its partner (open↔close by name, nested)."""
    partner: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for i, tok in enumerate(tokens):
        if not isinstance(tok, Tag) or not tok.name:
            continue
        if tok.raw.startswith("</"):
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == tok.name:
                    j = stack[depth][1]
                    partner[i], partner[j] = j, i
                    del stack[depth:]
                    break
        elif not tok.raw.endswith("/>"):
            stack.append((tok.name, i))
    return partner


def _edges(tokens: list[str | Tag]) -> tuple[int, int]:
    """(i, j): tokens[:i] and tokens[j:] are tags that wrap the rest and can be set aside.

    A leading open tag goes only with its close in the trailing run and the other way
    round, so what stays between is balanced; misnested markup keeps everything inside."""
    partner = _pairs(tokens)
    n = len(tokens)
    i = 0
    while i < n and isinstance(tokens[i], Tag):
        i += 1
    if i == n:                      # tags only: nothing to translate, nothing to set aside
        return 0, n
    j = n
    while j > i and isinstance(tokens[j - 1], Tag):
        j -= 1
    while True:                     # shrink both runs until each pair is on one side
        changed = False
        for k in range(i):
            p = partner.get(k)
            if p is not None and p < j:
                i, changed = k, True
                break
        for k in range(j, n):
            p = partner.get(k)
            if p is not None and p >= i and p < j:
                j, changed = k + 1, True
        if not changed:
            return i, j


def _raw(tokens: Sequence[str | Tag]) -> str:
    return "".join(t.raw if isinstance(t, Tag) else t for t in tokens)


# --------------------------------------------------------------------------- cues

@dataclass
class Cue:
    """One cue as its file has it; ``span`` is where its text lines sit in the file text."""

    ident: str                    # the cue number (SRT) or identifier (VTT), else ""
    start: float                  # seconds
    end: float
    lines: list[str]              # the text lines, as in the file
    line: int                     # 1-based file line of the first text line
    span: tuple[int, int]         # offsets of the text lines (without the final newline)
    newline: str = "\n"
    # set by prepare():
    line_wrap: tuple[str, str] = ("", "")     # tags around every line alike
    prefix: str = ""                          # tags before the cue's text
    suffix: str = ""                          # tags after it
    tokens: list[str | Tag] = field(default_factory=list)   # the text between
    dialogue: bool = False        # lines are speakers ("- 가자\n- 어디로?"): one unit per line

    @property
    def text(self) -> str:
        return _raw(self.tokens)


def prepare(cue: Cue, unescape: Callable[[str], str] | None = None) -> None:
    """Split the cue's lines into the tags set aside and the text with inner tags."""
    lines = list(cue.lines)
    if len(lines) > 1 and all(DIALOGUE.match(_raw(_strip_lead_tags(lex(x)))) for x in lines[1:]):
        cue.dialogue = True
        return
    if len(lines) > 1:
        edges = []
        for line in lines:
            toks = lex(line)
            i, j = _edges(toks)
            edges.append((_raw(toks[:i]), _raw(toks[j:])))
        if len(set(edges)) == 1 and edges[0] != ("", ""):
            cue.line_wrap = edges[0]
            pre, suf = edges[0]
            lines = [x[len(pre):len(x) - len(suf)] for x in lines]
    joined = " ".join(x.strip() for x in lines)
    toks = lex(joined)
    i, j = _edges(toks)
    cue.prefix, cue.suffix = _raw(toks[:i]), _raw(toks[j:])
    inner = toks[i:j]
    if unescape is not None:
        inner = [unescape(t) if isinstance(t, str) else t for t in inner]
    cue.tokens = inner


def dialogue_split(line: str) -> tuple[str, list[str | Tag], str]:
    """A dialogue line as (tags around it and the dash, kept; the speaker's words; tags
    after them, kept)."""
    toks = lex(line)
    i, j = _edges(toks)
    lead, rest, tail = _raw(toks[:i]), toks[i:j], _raw(toks[j:])
    if rest and isinstance(rest[0], str):
        dash = DIALOGUE.match(rest[0])
        if dash:
            lead += dash.group()
            rest = [rest[0][dash.end():], *rest[1:]] if dash.end() < len(rest[0]) else rest[1:]
    return lead, rest, tail


def _strip_lead_tags(tokens: list[str | Tag]) -> list[str | Tag]:
    k = 0
    while k < len(tokens) and isinstance(tokens[k], Tag):
        k += 1
    return tokens[k:]


@lru_cache(maxsize=4096)
def _korean_clause_open(text: str) -> bool:
    """True when Kiwi reads the text as ending inside a clause (a connective ending, a
    particle, an adnominal form, a conjunction): the sentence goes on in the next cue."""
    from glossary.morph import kiwi  # ~1 s to load; only files with unpunctuated cues pay
    tokens = [t for t in kiwi().tokenize(text) if not t.tag.startswith("S")]
    if not tokens:
        return False
    last = tokens[-1]
    if last.tag == "JX" and last.form == "요":      # 갔는데요: polite final 요
        return False
    return last.tag in CONTINUING_TAGS


def continues(a: Cue, b: Cue) -> bool:
    """Does the sentence of cue ``a`` run on into cue ``b``?"""
    if a.dialogue or b.dialogue or not a.tokens or not b.tokens:
        return False
    if b.start < a.end or b.start - a.end > MAX_GAP:
        return False
    ta, tb = plain(a.tokens).strip(), plain(b.tokens).strip()
    if not (has_korean(ta) and has_korean(tb)) or DIALOGUE.match(tb):
        return False
    if ELLIPSIS_END.search(ta):
        return bool(ELLIPSIS_START.match(tb))
    if FINAL_PUNCT.search(ta):
        return False
    if ta.endswith((",", "，", "、")):
        return True
    tail = ta[-TAIL:]                 # the ending is what counts; a huge cue costs nothing
    if len(ta) > TAIL and " " in tail:
        tail = tail[tail.index(" ") + 1:]
    return _korean_clause_open(tail)


def plain(tokens: Sequence[str | Tag | Code]) -> str:
    return "".join(t for t in tokens if isinstance(t, str))


def group(cues: list[Cue]) -> list[list[Cue]]:
    """Consecutive cues that carry one sentence, at most MAX_GROUP together."""
    groups: list[list[Cue]] = []
    for cue in cues:
        if groups and len(groups[-1]) < MAX_GROUP and continues(groups[-1][-1], cue):
            groups[-1].append(cue)
        else:
            groups.append([cue])
    return groups


# --------------------------------------------------------------------------- units

@dataclass
class CueHandle:
    """What ``render`` needs for one unit: its cues, or one dialogue line of one cue."""

    cues: list[Cue]
    codes: dict[str, tuple[str, str]]          # code id → (open data, close data)
    dialogue_line: int | None = None           # index of the line, for dialogue units
    layout: list[list[str]] | None = None      # English lines per cue, once computed
    laid_out_for: Content | None = None


def _content(tokens: Sequence[str | Tag], codes: dict[str, tuple[str, str]],
             start: int) -> list[str | Code]:
    partner = _pairs(tokens)
    out: list[str | Code] = []
    ids: dict[int, str] = {}
    n = start
    for i, tok in enumerate(tokens):
        if isinstance(tok, str):
            if out and isinstance(out[-1], str):
                out[-1] += tok
            else:
                out.append(tok)
            continue
        p = partner.get(i)
        if p is None:
            n += 1
            cid = f"t{n}"
            out.append(Code(cid, CodeKind.ISOLATED, tok.raw))
        elif p > i:
            n += 1
            cid = ids[i] = ids[p] = f"t{n}"
            closing = tokens[p]
            assert isinstance(closing, Tag)
            codes[cid] = (tok.raw, closing.raw)
            out.append(Code(cid, CodeKind.OPEN, tok.raw))
        else:
            out.append(Code(ids[i], CodeKind.CLOSE, tok.raw))
    return out


def _nfc(parts: Iterable[str | Code]) -> Content:
    import unicodedata
    return tuple(unicodedata.normalize("NFC", p) if isinstance(p, str) else p for p in parts)


def units_for(cues: list[Cue], unescape: Callable[[str], str] | None = None) -> list[Unit]:
    """One unit per sentence group of cues (dialogue cues: one per line)."""
    units: list[Unit] = []
    for grp in group(cues):
        first = grp[0]
        if first.dialogue:
            for k, line in enumerate(first.lines):
                _, toks, _ = dialogue_split(line)
                if unescape is not None:
                    toks = [unescape(t) if isinstance(t, str) else t for t in toks]
                codes: dict[str, tuple[str, str]] = {}
                unit = Unit(first.ident, _nfc(_content(toks, codes, 0)), line=first.line + k,
                            max_lines=1, handle=CueHandle([first], codes, dialogue_line=k))
                classify(unit)
                units.append(unit)
            continue
        codes = {}
        parts: list[str | Code] = []
        for cue in grp:
            if parts:
                parts.append(" ")
            parts.extend(_content(cue.tokens, codes, sum(isinstance(p, Code) for p in parts)))
        unit = Unit(first.ident, _nfc(joined(parts)), line=first.line,
                    max_lines=sum(len(c.lines) for c in grp), handle=CueHandle(grp, codes))
        classify(unit)
        units.append(unit)
    return units


# --------------------------------------------------------------------------- English back

@dataclass
class Word:
    parts: list[str | Code]

    @property
    def width(self) -> int:
        return sum(len(p) for p in self.parts if isinstance(p, str))


def words(content: Content) -> list[Word]:
    """The English as words; codes stick to the word they touch."""
    out: list[Word] = []
    cur: list[str | Code] = []
    for part in content:
        if isinstance(part, Code):
            cur.append(part)
            continue
        for piece in re.split(r"(\s+)", part):
            if not piece:
                continue
            if piece.isspace():
                if cur:
                    out.append(Word(cur))
                cur = []
            else:
                cur.append(piece)
    if cur:
        out.append(Word(cur))
    return out


def unbroken(ws: list[Word], terms: list[str]) -> list[Word]:
    """The words with each multi-word glossary target made one word, so that no line or cue
    break falls inside "Affectionate Intelligence" (a reader meets a name whole)."""
    for term in sorted({t for t in terms if " " in t.strip()}, key=len, reverse=True):
        want = term.lower().split()
        i = 0
        while i + len(want) <= len(ws):
            got = [plain(w.parts).lower() for w in ws[i:i + len(want)]]
            got[0] = got[0].lstrip("\"'(“‘[")
            if got[:-1] == want[:-1] and got[-1].startswith(want[-1]):
                joined: list[str | Code] = []
                for w in ws[i:i + len(want)]:
                    joined += ([" "] if joined else []) + list(w.parts)
                ws = ws[:i] + [Word(joined)] + ws[i + len(want):]
            i += 1
    return ws


def _cuts(weights: list[int], ws: list[Word], capacity: list[int]) -> list[int]:
    """Word indices where each cue's part ends (the last is ``len(ws)``).

    First, as little English as possible beyond what the cues hold (``capacity``: lines x
    line length, each); then the shares follow the Korean ones (each cut near its
    proportional place, a cut after a comma or stop counting as 3 characters nearer). Every
    cue gets a word when there are enough. Exact over all cuts (cues x words^2, small)."""
    m, n = len(weights), len(ws)
    if m == 1:
        return [n]
    ends = [0]
    for w in ws:
        ends.append(ends[-1] + w.width + 1)
    total_w, total_k = ends[-1] or 1, sum(weights) or 1
    goals = []
    acc = 0
    for k in range(m - 1):
        acc += weights[k]
        goals.append(total_w * acc / total_k)

    def near(b: int, k: int) -> float:
        score = abs(ends[b] - goals[k])
        tail = ws[b - 1].parts[-1] if b > 0 and ws[b - 1].parts else ""
        if isinstance(tail, str) and tail.endswith((",", ".", ";", ":", "?", "!")):
            score -= 3
        return score

    def over(i: int, j: int, k: int) -> int:
        width = ends[j] - ends[i] - 1 if j > i else 0
        return max(0, width - capacity[k])

    least = 1 if n >= m else 0
    inf = (float("inf"), float("inf"))
    best: list[dict[int, tuple[float, float]]] = [{0: (0.0, 0.0)}]
    back: list[dict[int, int]] = [{}]
    for k in range(m):
        cur: dict[int, tuple[float, float]] = {}
        ptr: dict[int, int] = {}
        last = k == m - 1
        for i, (o, d) in best[k].items():
            lo = i + least
            hi = n if last else n - least * (m - k - 1)
            for j in ([n] if last else range(lo, hi + 1)):
                if j < lo:
                    continue
                cand = (o + over(i, j, k), d + (0.0 if last else near(j, k)))
                if cand < cur.get(j, inf):
                    cur[j], ptr[j] = cand, i
        best.append(cur)
        back.append(ptr)
    cuts = [n]
    j = n
    for k in range(m, 1, -1):
        j = back[k][j]
        cuts.append(j)
    return cuts[::-1]


def wrap(ws: list[Word], lines: int) -> list[list[Word]]:
    """Split words into ``lines`` lines (fewer when there are fewer words) so that the
    longest line is as short as possible, then the lines as even as possible."""
    n = len(ws)
    lines = max(1, min(lines, n))
    if lines == 1:
        return [ws]
    width = [w.width for w in ws]
    pre = [0]
    for x in width:
        pre.append(pre[-1] + x)

    def span(i: int, j: int) -> int:
        return pre[j] - pre[i] + (j - i - 1)

    inf = (float("inf"), float("inf"))
    best: list[list[tuple[float, float]]] = [[inf] * (n + 1) for _ in range(lines + 1)]
    back = [[0] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = (0, 0)
    for k in range(1, lines + 1):
        for j in range(k, n - (lines - k) + 1):
            for i in range(k - 1, j):
                if best[k - 1][i] == inf:
                    continue
                s = span(i, j)
                cand = (max(best[k - 1][i][0], s), best[k - 1][i][1] + s * s)
                if cand < best[k][j]:
                    best[k][j], back[k][j] = cand, i
    out: list[list[Word]] = []
    j = n
    for k in range(lines, 0, -1):
        i = back[k][j]
        out.append(ws[i:j])
        j = i
    return out[::-1]


def _balanced(ws: list[Word], codes: dict[str, tuple[str, str]]) -> list[Word]:
    """Close what a part opened and reopen what it continues, so each cue is well formed."""
    opened: list[str] = []
    closes_first: list[str] = []
    for w in ws:
        for p in w.parts:
            if isinstance(p, Code) and p.kind is CodeKind.OPEN:
                opened.append(p.id)
            elif isinstance(p, Code) and p.kind is CodeKind.CLOSE:
                if p.id in opened:
                    opened.remove(p.id)
                else:
                    closes_first.append(p.id)
    if not ws:
        return ws
    ws = [Word(list(w.parts)) for w in ws]
    for cid in reversed(closes_first):
        ws[0].parts.insert(0, Code(cid, CodeKind.OPEN, codes.get(cid, ("", ""))[0]))
    for cid in reversed(opened):
        ws[-1].parts.append(Code(cid, CodeKind.CLOSE, codes.get(cid, ("", ""))[1]))
    return ws


def _line_text(ws: list[Word], escape: Callable[[str], str] | None) -> str:
    def one(p: str | Code) -> str:
        if isinstance(p, Code):
            return p.data
        return escape(p) if escape else p
    return " ".join("".join(one(p) for p in w.parts) for w in ws)


def english_lines(unit: Unit, max_len: int, escape: Callable[[str], str] | None = None
                  ) -> list[list[str]] | None:
    """The English lines of each of the unit's cues (None: write the cue as it was).

    Adds a ``subtitle-fit`` warning to ``unit.qa`` once, where a line is longer than
    ``max_len``."""
    handle: CueHandle = unit.handle
    target = unit.target
    if target is None or unit.state is not UnitState.FILL or tuple(target) == unit.source:
        return None
    if handle.laid_out_for == target and handle.layout is not None:
        return handle.layout
    ws = unbroken(words(target), [r.target for seg in unit.segments for r in seg.terms
                                  if r.status is TermStatus.APPLIED])
    cues = handle.cues
    if handle.dialogue_line is not None:
        parts = [ws]
    else:
        weights = [len(plain(c.tokens)) for c in cues]
        cuts = _cuts(weights, ws, [len(c.lines) * max_len for c in cues])
        parts = [ws[a:b] for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]
    layout: list[list[str]] = []
    too_long: list[str] = []
    for cue, part in zip(cues, parts, strict=True):
        part = _balanced(part, handle.codes)
        count = 1 if handle.dialogue_line is not None else len(cue.lines)
        lines = [_line_text(x, escape) for x in wrap(part, count)] if part else [""]
        widths = [sum(w.width for w in x) + len(x) - 1 for x in wrap(part, count)] if part else [0]
        if max(widths) > max_len:
            where = f"cue {cue.ident}" if cue.ident else f"the cue at line {cue.line}"
            too_long.append(f"{where}: {max(widths)} > {max_len}")
        layout.append(lines)
    if too_long and not any(q.code == "subtitle-fit" for q in unit.qa):
        text = plain_text(target)
        unit.qa.append(QAIssue("subtitle-fit", "warning", "target", 0, len(text),
                               "the English does not fit the cue's lines "
                               f"({'; '.join(too_long)} characters)"))
    handle.layout, handle.laid_out_for = layout, target
    return layout


def render_cues(text: str, units: list[Unit], max_len: int,
                escape: Callable[[str], str] | None = None) -> str:
    """The file text with each translated cue's lines replaced (spliced by offset)."""
    edits: list[tuple[int, int, str]] = []
    for unit in units:
        handle: CueHandle = unit.handle
        layout = english_lines(unit, max_len, escape)
        if layout is None:
            continue
        if handle.dialogue_line is not None:
            cue = handle.cues[0]
            k = handle.dialogue_line
            start = cue.span[0] + sum(len(x) + len(cue.newline) for x in cue.lines[:k])
            line = cue.lines[k]
            prefix, _, suffix = dialogue_split(line)
            english = DIALOGUE.sub("", layout[0][0], count=1)
            edits.append((start, start + len(line), prefix + english + suffix))
            continue
        for cue, lines in zip(handle.cues, layout, strict=True):
            pre, suf = cue.line_wrap
            body = [pre + x + suf for x in lines]
            body[0] = cue.prefix + body[0]
            body[-1] = body[-1] + cue.suffix
            edits.append((cue.span[0], cue.span[1], cue.newline.join(body)))
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)
