"""Engine.alternatives on the bundled model: where the likeliest next piece is the end."""
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
