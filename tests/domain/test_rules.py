import pytest

from cairn.domain.enums import ActionStatus, FactorRole, parse_choice
from cairn.domain.keys import format_key, parse_key
from cairn.domain.names import check_category, check_labels, check_severity, check_username
from cairn.domain.priority import priority_for
from cairn.errors import InvalidInput


def test_keys_are_read_with_or_without_prefix_and_in_any_case():
    assert parse_key("INC-42", "INC") == 42
    assert parse_key("inc-42", "INC") == 42
    assert parse_key("42", "INC") == 42
    assert format_key("INC", 7) == "INC-7"


@pytest.mark.parametrize("text", ["INC-", "INC-0", "BUG-3", "INC-1a", ""])
def test_malformed_keys_are_refused_with_an_example(text):
    with pytest.raises(InvalidInput, match="expected INC-<number>"):
        parse_key(text, "INC")


def test_vocabularies_accept_case_underscores_and_dashes():
    assert parse_choice(FactorRole, "Latent_Condition", "role") == FactorRole.LATENT_CONDITION
    assert parse_choice(ActionStatus, "wont-do", "status") == ActionStatus.WONT_DO
    with pytest.raises(InvalidInput, match="unknown role 'culprit': choose one of trigger, latent condition"):
        parse_choice(FactorRole, "culprit", "role")


def test_severities_come_from_configuration_and_keep_their_spelling():
    assert check_severity("sev2", ["SEV1", "SEV2"]) == "SEV2"
    with pytest.raises(InvalidInput, match="unknown severity 'P0': choose one of SEV1, SEV2"):
        check_severity("P0", ["SEV1", "SEV2"])


def test_factor_categories_come_from_the_taxonomy():
    assert check_category("Change/Deploy", ["change/deploy"]) == "change/deploy"
    with pytest.raises(InvalidInput, match="unknown factor category"):
        check_category("bad luck", ["change/deploy"])


def test_high_impact_low_effort_work_comes_first():
    assert priority_for(3, 1) == "P1"
    assert priority_for(1, 3) == "P4"
    with pytest.raises(InvalidInput, match="impact must be 1"):
        priority_for(4, 1)


def test_user_names_allow_a_leading_at_sign_and_refuse_spaces():
    assert check_username("@alice") == "alice"
    with pytest.raises(InvalidInput, match="invalid user name"):
        check_username("alice smith")


def test_labels_are_trimmed_and_deduplicated_in_order():
    assert check_labels([" checkout ", "payments", "checkout"], "service") == ["checkout", "payments"]
