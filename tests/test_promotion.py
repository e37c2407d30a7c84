"""One promotion decision for train and retrain, in a sweep's jobs and out of them."""

import pytest

from stance.promotion import decide, policy_for


@pytest.mark.parametrize("policy, old, new, promoted", [
    ("if_better", 0.60, 0.65, True), ("if_better", 0.60, 0.60, False), ("if_better", 0.60, 0.55, False),
    ("always", 0.60, 0.55, True), ("never", 0.60, 0.90, False), ("if_none", 0.60, 0.90, False),
])
def test_promotion_follows_the_policy_on_comparable_figures(policy, old, new, promoted):
    assert decide(policy, True, new, old).promote is promoted


def test_without_a_current_model_if_none_and_if_better_promote():
    assert decide("if_none", False, 0.1, None).promote and decide("if_better", False, 0.1, None).promote
    assert not decide("never", False, 0.1, None).promote


def test_figures_that_cannot_be_compared_never_promote_under_if_better():
    decision = decide("if_better", True, 0.9, 0.1, "scored on other annotations")
    assert not decision.promote and decision.reason == "scored on other annotations"


def test_a_sweep_job_follows_the_sweep_policy():
    assert policy_for("always", "never", in_sweep=True) == "never"
    assert policy_for("always", "never", in_sweep=False) == "always"


def test_an_unknown_promotion_policy_is_refused():
    with pytest.raises(ValueError, match="'sometimes'"):
        decide("sometimes", True, 1, 0)
