"""Numbers in Korean and English text, parsed to values so the two sides can be compared.

Korean writes large numbers in groups of four digits (만 10^4, 억 10^8, 조 10^12) and mixes digits
with unit syllables (2천억 = 2·10^3·10^8), while English groups by three (200 billion). Comparing
the strings would flag every correct restructuring, so both sides are reduced to values.

What is read, and why:

- Korean, *required*: every number that starts with a digit, with the units 십 백 천 만 억 조
  that follow it (12조3천억, 1억1천만, 7000억, 1만2000, 3.5조); 여 after it marks an
  approximation (50여명). A digit 1 on its own is not read: 1명, 1년, 1위 become "a person",
  "a year", "top" as often as "one". 제N조 is article N, not N trillion, and a bare N조 may be
  either (헌법 9조), so "nine" meets it as well as "9 trillion".
- Korean, *optional*: native number words before a counter (두 명, 세 가지, 열 번째, 스무 살).
  English renders them idiomatically ("twice", "both", "a couple", "first"), so a missing one is
  only a warning, and 한/첫 (one/first) are not read at all. Sino-Korean words written in Hangul
  (삼천, 백만) are read by :func:`parse_korean_number` but not searched for in running text:
  일, 이, 삼, 사 … are also ordinary syllables (이 "this", 사 "company").
- English: digits (1,000; 3.5; 1990s; 3rd), scale words after them (1.5 million, $2bn),
  number words (ten, twenty-five, two hundred thousand, a million), ordinals (third),
  multipliers (tenfold, twice, double), Roman numerals (World War II), and month names
  (March = 3), so 3월 5일 meets "March 5".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

# --- Korean --------------------------------------------------------------------------------
SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12}
SINO_DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6,
               "칠": 7, "팔": 8, "구": 9}
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A digit-initial run: digits, then any mix of unit syllables and further digits, optionally one
# space between groups after a big unit (3억 5천만).
_KO_RUN = re.compile(rf"{_DIGITS}(?:[십백천만억조]|{_DIGITS}|(?<=[만억조]) (?=\d+[십백천만억]))*")
_KO_TOKEN = re.compile(rf"{_DIGITS}|[십백천만억조영공일이삼사오육륙칠팔구]| ")


MAX_VALUE = 10**20     # above this a digit string is a serial or a code, not an amount


@dataclass(frozen=True)
class NumberMention:
    """A number found in text: its value, span, and whether a translation must carry it."""

    value: float
    start: int
    end: int
    text: str
    required: bool = True      # False: a native Korean word; missing it is only a warning
    approximate: bool = False  # 50여명, "about 50"
    day: bool = False          # N일 (day of month): news references often say "Tuesday"
    alternative: float | None = None   # 9조 is also "article 9" (헌법 9조)


def _digits_value(s: str) -> float:
    return float(s.replace(",", ""))


def _exact(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def parse_korean_number(text: str) -> float | None:
    """The value of one Korean-style number (``12조3천억``, ``1억1천만``, ``삼천오백``, ``1,000``),
    or None if ``text`` is not one; an int when whole (exact beyond 2**53). Big units must
    fall (억 after 조, 만 after 억): 만억 is no number.
    """
    text = text.strip()
    if not text:
        return None
    pos, tokens = 0, []
    for m in _KO_TOKEN.finditer(text):
        if m.start() != pos:
            return None
        pos = m.end()
        if m.group() != " ":
            tokens.append(m.group())
    if pos != len(text) or not tokens:
        return None
    total = Decimal(0)
    section = Decimal(0)      # the part below the current big unit
    written = False           # the section has a digit or small unit (0억 is 0, 억 alone 1억)
    current: Decimal | None = None
    last_big = math.inf
    last_small = math.inf
    for tok in tokens:
        if tok in SMALL_UNITS:
            mult = SMALL_UNITS[tok]
            if mult >= last_small:
                return None
            section += (1 if current is None else current) * mult
            current, last_small, written = None, mult, True
        elif tok in BIG_UNITS:
            mult = BIG_UNITS[tok]
            if mult >= last_big:
                return None
            section += 0 if current is None else current
            total += (section if written else 1) * mult
            section, current, last_big, last_small = Decimal(0), None, mult, math.inf
            written = False
        else:
            if current is not None:       # two digit groups side by side: 3 4
                return None
            current = Decimal(SINO_DIGITS[tok]) if tok in SINO_DIGITS else _exact(tok)
            written = True
    value = total + section + (0 if current is None else current)
    # exact arithmetic, so 9007조1992억5474만993 is not rounded to a neighbour; an int when whole
    return int(value) if value == value.to_integral_value() else float(value)


def format_korean_number(n: int, *, thousands: bool = False) -> str:
    """``n`` written the way Korean copy writes it: 123456789 -> 1억2345만6789 (or, with
    ``thousands``, 1억2천3백4십5만6천7백8십9). The inverse of :func:`parse_korean_number`, kept
    here so tests can round-trip generated numbers."""
    if n < 0:
        raise ValueError("negative numbers have no Korean unit notation here")
    if n == 0:
        return "0"
    parts = []
    for unit, mult in (("조", 10**12), ("억", 10**8), ("만", 10**4), ("", 1)):
        group, n = divmod(n, mult)
        if unit == "조" and group >= 10**4:       # beyond 9999조: keep the digits
            parts.append(f"{group}조")
            continue
        if group:
            parts.append((_thousands_form(group) if thousands else str(group)) + unit)
    return "".join(parts)


def _thousands_form(group: int) -> str:
    out = []
    for unit, mult in (("천", 1000), ("백", 100), ("십", 10)):
        d, group = divmod(group, mult)
        if d:
            out.append(f"{d}{unit}")
    if group:
        out.append(str(group))
    return "".join(out)


NATIVE_NUMBERS = {
    "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "서": 3, "네": 4, "넷": 4, "넉": 4, "너": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스무": 20, "스물": 20,
    "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90,
}
# Counters that make a native word a number (두 명, 세 가지, 열 번째): without one, 세 is also
# "tax" and 네 "yes".
_COUNTERS = ("번째", "가지", "차례", "명", "개", "번", "배", "살", "곳", "대", "권", "마리", "사람",
             "척", "채", "켤레", "해", "달", "시간", "시", "잔", "병", "그루", "군데")
_TENS = "열|스물|스무|서른|마흔|쉰|예순|일흔|여든|아흔"
_ONES = "하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|두|세|석|서|네|넉|너"
_KO_NATIVE = re.compile(
    rf"(?<![가-힣])((?:{_TENS})(?:{_ONES})?|(?:{_ONES}))\s?(?:{'|'.join(_COUNTERS)})")


def native_value(word: str) -> int | None:
    """열두 -> 12, 스물다섯 -> 25, 세 -> 3; None if ``word`` is no native number."""
    for tens in sorted((w for w, v in NATIVE_NUMBERS.items() if v >= 10), key=len, reverse=True):
        if word.startswith(tens):
            rest = word[len(tens):]
            if not rest:
                return NATIVE_NUMBERS[tens]
            ones = NATIVE_NUMBERS.get(rest) if rest != "하나" else 1
            return None if ones is None or ones >= 10 else NATIVE_NUMBERS[tens] + ones
    if word == "하나":
        return 1
    value = NATIVE_NUMBERS.get(word)
    return value if value is not None and value < 10 else None


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _latin_attached(text: str, start: int, end: int) -> bool:
    """Digits glued to Latin letters (B2B, H100, 5G) name things; latin-missing checks them."""
    return (start > 0 and _is_latin(text[start - 1])) or (end < len(text)
                                                           and _is_latin(text[end]))


def korean_numbers(text: str) -> list[NumberMention]:
    """Every number in Korean text, in text order. Digits glued to Latin letters (B2B, 5G)
    are identifiers, not amounts, and are left to the latin-missing check."""
    out: list[NumberMention] = []
    for m in _KO_RUN.finditer(text):
        start, run = m.start(), m.group().rstrip()
        if text[max(0, start - 1):start] == "제" and "조" in run:    # 제3조: article 3
            run = run[:run.index("조")]
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".,"):
            continue
        if _latin_attached(text, start, start + len(run)):   # B2B, G7, 5G: an identifier
            continue
        value = parse_korean_number(run)
        if value is None:         # an odd mix (3조만): fall back to the leading digits
            lead = re.match(_DIGITS, run)
            assert lead is not None
            run, value = lead.group(), _digits_value(lead.group())
        if value > MAX_VALUE:
            continue              # a digit string (serial, code), not an amount
        end = start + len(run)
        after = text[end:end + 2]
        if value == 1 and not any(u in run for u in "십백천만억조"):
            continue              # 1명, 1년: "a person", "a year"
        article = re.fullmatch(_DIGITS + "조", run)
        out.append(NumberMention(
            value=value, start=start, end=end, text=run,
            alternative=_digits_value(run[:-1]) if article else None,
            approximate=after.startswith("여") or text[max(0, start - 2):start] == "약 ",
            day=after.startswith("일") and not after.startswith("일본") and value <= 31
            and value == int(value)))
    for m in _KO_NATIVE.finditer(text):
        value = native_value(m.group(1))
        if value is not None and value >= 2:
            out.append(NumberMention(value=float(value), start=m.start(1), end=m.end(1),
                                     text=m.group(1), required=False))
    out.sort(key=lambda n: (n.start, n.end))
    return out


# --- English -------------------------------------------------------------------------------
_EN_ONES = {w: i for i, w in enumerate(
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen"
    ])}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9,
              "trillion": 10**12}
_EN_SHORT_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
                "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
                "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
                "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
                "hundredth": 100, "thousandth": 1000, "millionth": 10**6}
_EN_MULTIPLIERS = {"twice": 2, "double": 2, "doubled": 2, "doubles": 2, "doubling": 2,
                   "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "quadruple": 4,
                   "quadrupled": 4, "dozen": 12, "dozens": 12}
MONTHS = {m: i + 1 for i, m in enumerate(
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"
    ])}
MONTHS.update({"Jan.": 1, "Feb.": 2, "Aug.": 8, "Sept.": 9, "Sep.": 9, "Oct.": 10, "Nov.": 11,
               "Dec.": 12})
DAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "today", "yesterday", "tomorrow", "tonight")

_EN_WORD = "|".join(sorted([*_EN_ONES, *_EN_TENS, *_EN_SCALES, "a", "an", "and"],
                           key=len, reverse=True))
_EN_DIGIT_NUM = re.compile(
    rf"(?<![\d.,]){_DIGITS}(?:\s?-?\s?(?P<scale>hundred|thousand|million|billion|trillion)\b"
    rf"|(?P<short>k|mn|m|bn|b|tn)\b)?", re.IGNORECASE)
_EN_WORD_RUN = re.compile(rf"\b(?:(?:{_EN_WORD})(?:[\s-]+|\b))+", re.IGNORECASE)
_EN_SINGLE = re.compile(
    r"\b(?P<w>" + "|".join(sorted([*_EN_ORDINALS, *_EN_MULTIPLIERS], key=len, reverse=True))
    + r")\b|\b(?P<fold>[a-z]+)-?fold\b", re.IGNORECASE)
ROMAN = {r: i + 2 for i, r in enumerate(
    [
        "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX"
    ])}
_EN_ROMAN = re.compile(r"(?<![\w.])(?:" + "|".join(sorted(ROMAN, key=len, reverse=True))
                       + r")(?![\w'])")
_EN_MONTH = re.compile(r"\b(?:" + "|".join(re.escape(m) for m in MONTHS) + r")(?:(?<=\.)|\b)")


def _words_value(words: list[str]) -> float | None:
    """'two hundred and fifty thousand' -> 250000; None if no number word is there."""
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("and",):
            continue
        if w in ("a", "an"):
            current = current or 1
            continue
        if w in _EN_ONES:
            current += _EN_ONES[w]
        elif w in _EN_TENS:
            current += _EN_TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _fold_value(word: str) -> float | None:
    word = word.lower()
    if word in _EN_ONES or word in _EN_TENS:
        return float(_EN_ONES.get(word) or _EN_TENS[word])
    return float(word) if word.isdigit() else None


def english_numbers(text: str) -> list[NumberMention]:
    """Every number in English text, in text order (overlaps resolved left-most, longest)."""
    found: list[NumberMention] = []
    for m in _EN_DIGIT_NUM.finditer(text):
        head = re.match(_DIGITS, m.group())
        assert head is not None
        if m.start() > 0 and _is_latin(text[m.start() - 1]):      # B2B, H100, G7
            continue
        value, end = _digits_value(head.group()), m.end()
        if m.group("scale"):
            value *= _EN_SCALES[m.group("scale").lower()]
        elif m.group("short"):
            if text[max(0, m.start() - 1):m.start()] in ("$", "€", "£", "₩"):   # $2bn, not 10m
                value *= _EN_SHORT_SCALES[m.group("short").lower()]
            else:
                end = m.start() + len(head.group())
        found.append(NumberMention(value, m.start(), end, text[m.start():end]))
    for m in _EN_WORD_RUN.finditer(text):
        words = [w for w in re.split(r"[\s-]+", m.group().lower()) if w]
        # trim leading/trailing fillers so "a" / "and" alone are not numbers
        while words and words[0] in ("and",):
            words.pop(0)
        while words and words[-1] in ("a", "an", "and"):
            words.pop()
        if not words or all(w in ("a", "an", "and") for w in words):
            continue
        if words[0] in ("a", "an") and (len(words) == 1 or words[1] not in _EN_SCALES):
            words.pop(0)
        word_value = _words_value(words)
        if word_value is not None:
            end = m.start() + len(m.group().rstrip(" -"))
            found.append(NumberMention(word_value, m.start(), end, m.group().strip()))
    for m in _EN_SINGLE.finditer(text):
        if m.group("w"):
            w = m.group("w").lower()
            value = float(_EN_ORDINALS.get(w) or _EN_MULTIPLIERS[w])
        else:
            fv = _fold_value(m.group("fold"))
            if fv is None:
                continue
            value = fv
        found.append(NumberMention(value, m.start(), m.end(), m.group()))
    for m in _EN_MONTH.finditer(text):
        name = m.group()
        if name == "May" and re.search(r"(?:^|[.!?:;]\s*|[\"“‘(]\s*)$", text[:m.start()]):
            continue          # the modal verb opens a sentence: "May I …"
        found.append(NumberMention(float(MONTHS[name]), m.start(), m.end(), name))
    for m in _EN_ROMAN.finditer(text):     # World War II, Phase III (not "V" for victory)
        if m.group() != "V" or re.search(r"(?:War|Phase|Stage|Part|Act)\s$", text[:m.start()]):
            found.append(NumberMention(float(ROMAN[m.group()]), m.start(), m.end(), m.group()))
    found.sort(key=lambda n: (n.start, -n.end))
    out: list[NumberMention] = []
    for n in found:
        if n.value > MAX_VALUE or (out and n.start < out[-1].end):
            continue
        out.append(n)
    return out


def same_value(a: float, b: float) -> bool:
    """Equal, or within 1 % for large amounts a translator may round (1억1천만 -> 110 million
    is exact; 12조3천억 -> "about 12 trillion" is not, and stays a finding)."""
    if a == b:
        return True
    big = max(abs(a), abs(b))
    return big >= 10**6 and abs(a - b) <= 0.01 * big
