"""How the public version recognises people and internal hosts in free text."""

from __future__ import annotations

import pytest

from cairn.domain.redaction import BUILT_IN_INTERNAL_DOMAINS, RedactionPolicy, Redactor

DIRECTORY = {
    "dokafor": "Dana Okafor",
    "wferreira": "Will Ferreira",
    "dwhitfield": "Dana Whitfield",
    "priya": "Priya Raman",
    "kim": None,
}


def _text(text: str, involved: tuple[str, ...] = ("dokafor", "wferreira", "kim")) -> str:
    """Aliases follow the order people first appear in the text."""
    return Redactor(RedactionPolicy(directory=DIRECTORY), involved=involved).text(text, "test") or ""


def test_a_display_name_is_found_in_any_case_across_a_line_break_and_before_a_possessive() -> None:
    assert _text("DANA OKAFOR and dana\nokafor saw Okafor's graph") == "Person A and Person A saw Person A's graph"


def test_a_first_name_shared_by_two_users_is_not_taken_for_either_but_the_full_name_is() -> None:
    assert _text("Dana and Dana Whitfield, and Okafor") == "Dana and Person A, and Person B"


def test_a_first_name_that_is_an_everyday_word_is_matched_only_as_written() -> None:
    assert _text("Will said we will retry; Ferreira agreed") == "Person A said we will retry; Person A agreed"


def test_people_outside_the_incident_are_found_by_their_full_display_name_only() -> None:
    assert _text("priya raman helped, Priya too") == "Person A helped, Priya too"


def test_a_username_inside_another_word_or_address_is_left_alone() -> None:
    assert _text("kimchi and kim-bot and kim@example.test and kim") == "kimchi and kim-bot and [e-mail removed] and Person A"


@pytest.mark.parametrize("host", [
    "payroll-db01", "k8s-node12", "ip-10-0-1-23", "db-7.prod.internal", "ledger.corp", "pg.payments.svc.cluster.local",
    "PAYROLL-DB01", "payroll-db01.example.com", "web-prod03", "redis-cache-eu01",
])
def test_built_in_rules_find_internal_hosts(host: str) -> None:
    assert Redactor().text(f"ssh {host} failed", "test") == "ssh [internal host] failed"


@pytest.mark.parametrize("word", [
    "utf-16", "sha-256", "eu-west-1", "INC-12", "covid-19", "local", "internal", "v1.4.2", "2026-11-02", "example.com",
    "streaming-post-mortem-731", "incident-report-2024", "release-v10", "api-v2", "gpu-h100",
    "123e4567-e89b-12d3-a456-426614174000",
])
def test_built_in_rules_leave_ordinary_tokens_alone(word: str) -> None:
    assert Redactor().text(f"see {word} now", "test") == f"see {word} now"


def test_the_teams_domains_and_globs_add_to_the_built_in_ones() -> None:
    policy = RedactionPolicy(
        internal_domains=BUILT_IN_INTERNAL_DOMAINS + ("acme.net",),
        internal_host_patterns=("vault-*", "*-primary"),
    )
    redactor = Redactor(policy)
    text = "acme.net, git.acme.net, Vault-A, pg-primary.acme.io, db-7.prod.internal, www.example.com"
    assert redactor.text(text, "test") == "[internal host], [internal host], [internal host], [internal host], [internal host], www.example.com"
