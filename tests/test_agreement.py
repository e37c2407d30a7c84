import pytest

from stance.agreement import agreement
from stance.annotations import Annotation


def _row(i, label, actors=()):
    return Annotation(id=f"d-{i}", doc_id="d", text=f"sentence {i}", label=label, actors=tuple(actors))


def test_kappa_corrects_for_chance_and_lists_disagreements():
    first = [_row(1, "advocate", ["A"]), _row(2, "caution"), _row(3, "neutral"), _row(4, "neutral")]
    second = [_row(1, "advocate", ["A", "B"]), _row(2, "neutral"), _row(3, "neutral"), _row(4, "neutral")]
    result = agreement(first, second)
    assert result.n == 4 and result.label_agreement == 0.75
    # observed 0.75; chance (1/4*1/4 + 1/4*0 + 2/4*3/4) = 0.4375 -> kappa = 0.3125 / 0.5625
    assert result.kappa == pytest.approx(0.3125 / 0.5625)
    assert [a.id for a, _ in result.label_disagreements] == ["d-2"]
    assert result.holder_agreement == 0.75 and [a.id for a, _ in result.holder_disagreements] == ["d-1"]


def test_only_shared_ids_are_compared():
    result = agreement([_row(1, "advocate"), _row(2, "caution")], [_row(2, "caution"), _row(9, "neutral")])
    assert result.n == 1 and result.label_agreement == 1.0
    with pytest.raises(ValueError):
        agreement([_row(1, "advocate")], [_row(2, "advocate")])
