"""The engine's decoding on the bundled model: where CTranslate2's own results need help."""
from __future__ import annotations

from translate import Engine


def test_an_end_among_the_likeliest_next_pieces_gives_the_prefix_alone(shared_model):
    """A whole string that is the term ("공감지능" in an app's menu) may end right after
    the forced prefix: that candidate is the prefix, with one attention row per piece."""
    engine = Engine.load(shared_model, intra_threads=1)
    prefix = engine.target_pieces("Affectionate Intelligence")
    [result] = engine.alternatives([engine.source_tokens(engine.source_pieces("공감지능"))],
                                   [prefix], 4, return_attention=True)
    assert prefix in result.hypotheses
    assert all(h[:len(prefix)] == prefix for h in result.hypotheses)
    ended = result.hypotheses.index(prefix)
    assert result.attention is not None and len(result.attention[ended]) == len(prefix)


def test_batched_beam_search_attends_as_the_sentence_does_alone(shared_model):
    """CTranslate2 4.8's batched beam search returns another sentence's attention for the
    first step; the engine reads that row again, so term placement (which starts from the
    attention) does not depend on what a sentence is batched with."""
    engine = Engine.load(shared_model, intra_threads=1)
    sentences = ["냉난방공조 사업이 크게 성장했다.", "오늘은 날씨가 좋다.",
                 "LG전자는 공감지능을 앞세워 전장 사업을 키운다."]
    sources = [engine.source_tokens(engine.source_pieces(s)) for s in sentences]
    options = dict(beam_size=4, num_hypotheses=4, return_attention=True)
    batch = engine.translate_batch(sources, **options)
    for source, among in zip(sources, batch):
        [alone] = engine.translate_batch([source], **options)
        for a, b in zip(alone.attention, among.attention):
            assert max(abs(x - y) for x, y in zip(a[0], b[0])) < 1e-3
