"""Whether a newly trained model becomes the current one: one decision for `stance train`
and `stance retrain`, in a sweep's jobs and out of them.
"""

from __future__ import annotations

from dataclasses import dataclass

POLICIES = ("never", "if_none", "if_better", "always")


@dataclass(frozen=True)
class Decision:
    """Promote or not, and the reason printed beside the outcome."""

    promote: bool
    reason: str


def policy_for(promote: str, sweep_promote: str, in_sweep: bool) -> str:
    """The policy in force: a sweep's jobs follow ``sweep_promote`` (by default never, so a
    sweep never silently replaces the model `stance run` uses), other runs ``promote``."""
    policy = sweep_promote if in_sweep else promote
    if policy not in POLICIES:
        raise ValueError(f"promotion policy {policy!r}; expected one of {', '.join(POLICIES)}")
    return policy


def decide(policy: str, has_current: bool, candidate: float, current: float | None,
           not_comparable: str | None = None) -> Decision:
    """The decision under ``policy``. ``current`` is the current model's macro-F1 measured so
    it can be ranked against ``candidate`` (the same folds, or the same data and protocol);
    ``not_comparable`` says why it cannot be, for ``if_better``."""
    if policy not in POLICIES:
        raise ValueError(f"promotion policy {policy!r}; expected one of {', '.join(POLICIES)}")
    if policy == "always":
        return Decision(True, "policy always")
    if policy == "never":
        return Decision(False, "policy never")
    if policy == "if_none" or not has_current:
        return Decision(not has_current, "no current model" if not has_current else "policy if_none, a current model exists")
    if current is None or not_comparable:
        return Decision(False, not_comparable or "the current model has no comparable figure")
    better = candidate > current
    return Decision(better, f"macro-F1 {candidate:.3f} {'>' if better else '<='} {current:.3f}")
