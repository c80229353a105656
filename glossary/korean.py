"""What may follow a Korean noun inside one written word: particles and copula endings.

A glossary term matches only if the rest of its word is made of these, which is how
전장을 matches 전장 while 전장치 (a different word) does not.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Case and delimiter particles, auxiliary particles, the copula's common forms, and the
# plural 들. Combinations (에서는, 으로도, 들에게) are handled by chaining, not listed.
PARTICLES: frozenset[str] = frozenset("""
은 는 이 가 을 를 에 에서 에게 께 께서 한테 더러 의 와 과 로 으로 로서 으로서 로써 으로써
도 만 까지 부터 마저 조차 보다 처럼 같이 마다 밖에 뿐 이나 나 이나마 이든 든 이든지 든지
이랑 랑 하고 이며 며 이고 고 이자 이란 란 이라 라 이라는 라는 이라고 라고 이라며 라며
이다 다 입니다 니다 이었다 였다 이었고 였고 이지만 지만 인 이어서 여서 이므로 므로 이에요 예요
이죠 죠 들 요 야 이야 아 이여 여 엔 에선 에서도 으론 론
""".split())

# Tails the particle list accepts that are also a word's own ending: 일본인 (a Japanese, not
# Japan + copula 인), 부시다 (the verb "to dazzle", not Bush + copula 다).  The matcher asks
# Kiwi about these instead of trusting the list.  Measured: over the 3,000 news dev+test
# sentences with the shipped glossaries, Kiwi disagreed with 11 of the list's 1,300 yeses:
# 일본인 ×4, 팔레스타인인 ×1 and the particle 이란 after a closing quote ×6 (see glossary.match).
AMBIGUOUS_TAILS: frozenset[str] = frozenset({"인", "다"})

MAX_TAIL = 8  # longer tails are never a particle chain: stop early


def is_hangul_syllable(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def is_word_char(ch: str) -> bool:
    """Characters that continue a written word (spaces and punctuation end it)."""
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=4096)
def is_particle_chain(tail: str) -> bool:
    """True if ``tail`` splits entirely into particles (empty counts: a bare noun)."""
    if len(tail) > MAX_TAIL:
        return False
    if not tail:
        return True
    return any(tail[:n] in PARTICLES and is_particle_chain(tail[n:])
               for n in range(1, min(len(tail), 4) + 1))


# --- content words without a morphological analyser ------------------------------------------
# The syllables that start a 하다/되다/시키다 ending on a Sino-Korean noun (증가했다, 발표한,
# 공개된, 개선시켰다): the noun before them is the content word.
VERB_STARTS: frozenset[str] = frozenset("하 한 할 함 합 해 했 되 된 될 됨 됩 돼 됐 시".split())
MAX_VERB_TAIL = 5
# Written words that are grammar or too vague to have a rendering of their own: bound nouns,
# determiners, conjunctions, the existential verbs and the bare 하다/되다 forms.
FUNCTION_WORDS: frozenset[str] = frozenset("""
것 수 등 및 때 중 더 그 이 저 또 또한 그리고 그러나 하지만 그런데 그래서 따라서 즉 곧 또는 혹은
있 있다 있는 있고 있어 있었 있었다 있으며 있을 없 없다 없는 없이 않 않다 않은 않는 않고 못 안
하 한 할 함 해 했 하는 하고 하며 하다 한다 했다 된 될 되 된다 됐다 되는 위해 대해 대한 통해
관련 이번 지난 같은 같이 이런 그런 모든 각 어떤 우리 저희 자신
""".split())
_WORD_RUN = re.compile(r"[\uac00-\ud7a3]+|[A-Za-z]+|[\u4e00-\u9fff]+")


def stem_of(word: str) -> str:
    """A Hangul word without its particles or its 하다/되다 ending: 매출은 → 매출,
    증가했다 → 증가, 대통령이라고 → 대통령. Rules, not analysis: a stem keeps at least two
    syllables (사이 is not 사 + 이), and native verbs keep their stem with its tense
    (밝혔다 → 밝혔), which the lexicon learns as a word of its own."""
    for i in range(2, len(word)):
        if word[i] in VERB_STARTS and len(word) - i <= MAX_VERB_TAIL:
            return word[:i]
    for i in range(2, len(word)):
        if is_particle_chain(word[i:]):
            return word[:i]
    return word


def content_words(text: str) -> list[str]:
    """The content words of a Korean sentence as the confidence lexicon keys them: Hangul
    words cut by :func:`stem_of`, Latin words lower-cased, Hanja runs as written; numbers,
    punctuation and :data:`FUNCTION_WORDS` left out. Microseconds a sentence, where a
    morphological analyser costs a model load of seconds and hundreds of megabytes."""
    words = []
    for run in _WORD_RUN.findall(text):
        if is_hangul_syllable(run[0]):
            if run[0] in FUNCTION_WORDS and is_particle_chain(run[1:]):
                continue        # 것이, 수도, 등을
            stem = stem_of(run)
            if stem not in FUNCTION_WORDS and run not in FUNCTION_WORDS:
                words.append(stem)
        else:
            words.append(run.lower())
    return words
