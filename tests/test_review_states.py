import pytest

from probity.errors import InvalidTransition
from probity.models import FLAG_TRANSITIONS, Flag, FlagStatus


def test_decided_flags_are_final():
    assert FLAG_TRANSITIONS[FlagStatus.confirmed] == frozenset()
    assert FLAG_TRANSITIONS[FlagStatus.dismissed] == frozenset()


def test_transition_enforces_the_machine():
    flag = Flag(status=FlagStatus.pending, labels=["offensive"])
    flag.transition(FlagStatus.claimed)
    flag.transition(FlagStatus.confirmed)
    with pytest.raises(InvalidTransition, match="confirmed to pending"):
        flag.transition(FlagStatus.pending)
