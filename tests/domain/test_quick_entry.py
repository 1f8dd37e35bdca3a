"""The quick line: time, actor and kind in front of the text, in any order."""

from __future__ import annotations

import pytest

from cairn.domain.quick_entry import parse_quick_entry
from cairn.errors import InvalidInput


def test_an_at_name_in_the_quick_line_names_the_actor() -> None:
    entry = parse_quick_entry("14:05 @alice #action restarted db-2")
    assert (entry.at, entry.actor, entry.kind, entry.text) == ("14:05", "alice", "action", "restarted db-2")


def test_time_actor_and_kind_may_come_in_any_order() -> None:
    entry = parse_quick_entry("#mitigation @bob.smith 09:30 rolled back")
    assert (entry.at, entry.actor, entry.kind, entry.text) == ("09:30", "bob.smith", "mitigation", "rolled back")


def test_an_at_sign_inside_the_text_is_only_text() -> None:
    entry = parse_quick_entry("paged @oncall-db about the lag")
    assert entry.actor is None and entry.text == "paged @oncall-db about the lag"



def test_a_line_with_nothing_after_time_actor_and_kind_is_refused() -> None:
    with pytest.raises(InvalidInput, match="needs some text"):
        parse_quick_entry("\\ ")
