"""The linter on text nobody on the team wrote (issue 18): the new families,
the context rules that keep statements of principle and credit quiet, the
statistical second opinion, and the public corpus's figures on its test split."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.analysis.lint import LintConfig, lint_text
from cairn.analysis.lint.engine import rules_only
from cairn.analysis.lint.model import load_model
from cairn.analysis.lint.quality import CORPUS_PEOPLE, evaluate_families, read_corpus
from cairn.analysis.lint.text import LintText

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
PEOPLE = LintConfig(people=CORPUS_PEOPLE)


def categories(text: str, config: LintConfig = LintConfig()) -> set[str]:
    return {finding.category for finding in lint_text(text, config)}


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # written for this test, one or more per family the issue names
        ("If only we had checked the replica lag first.", "counterfactual"),
        ("Had the team run the migration in staging, none of this would have happened.", "counterfactual"),
        ("It was a mistake to skip the canary.", "counterfactual"),
        ("There was no reason not to page the database team.", "counterfactual"),
        ("Remind everyone to be more careful with production credentials.", "fix-person"),
        ("Retrain the on-call engineer on failovers.", "fix-person"),
        ("The operator will be held accountable.", "fix-person"),
        ("Engineers must remember to drain the node before patching.", "fix-person"),
        ("Dave forgot to renew the certificate.", "person"),
        ("She ignored the disk alert for an hour.", "person"),
        ("The root of the problem: Kevin.", "person"),
        ("Thanks to the intern, checkout was down all morning.", "person"),
        ("An engineer debugging the queue mistakenly deleted the topic.", "person"),
        ("Why didn't you check the logs?", "who-question"),
        ("WHY DIDN'T YOU ROLL BACK", "who-question"),
        ("How could you not notice the alert?", "who-question"),
        ("who approved this change", "who-question"),
        ("The root cause was operator error.", "human-error"),
        ("Honestly, a people problem.", "human-error"),
        ("PEBKAC, as usual.", "human-error"),
        ("In hindsight it was obvious that the cache was stale.", "hindsight"),
        ("The signs were all there.", "hindsight"),
        ("This outage was entirely avoidable.", "hindsight"),
        ("Anyone could have seen this coming.", "hindsight"),
        # slips told as what a person did, in the narrative of incident reports
        ("The pilot misread the altimeter during the approach.", "person"),
        ("Somebody merged without running the tests.", "person"),
        ("The crew elected not to use the checklist.", "person"),
        ("The technician knowingly and deliberately used the wrong valve.", "person"),
        ("The operator did not visually check the pressure gauge.", "person"),
        ("I must have deleted the wrong bucket.", "person"),
        ("The operator will be retrained.", "fix-person"),
        ("Heads are going to roll for this.", "fix-person"),
        ("We have taken action against the employee involved.", "fix-person"),
        ("The outage was due to employee error.", "human-error"),
        ("What a massive screw-up by the release team.", "judgement"),
    ],
)
def test_each_family_of_the_issue_is_found_without_configured_names(text, family):
    assert family in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # statements of the principle use the loaded words to reject them
        "Human error is never a root cause; it is where the inquiry starts.",
        "We avoid asking why didn't you, and ask what made it hard instead.",
        "Rather than blaming Bob, we looked at the deploy tooling.",
        "Treating human error as the final answer ends the learning.",
        "Systems should be resilient to human error.",
        # credit, not blame
        "Thanks to Chen's quick thinking the outage lasted only four minutes.",
        "Thanks to the on-call engineer's fast response, errors stopped within minutes.",
        # a counterfactual about a system or a duration
        "Without the rate limiter the outage would have lasted hours.",
        "Had the alert fired earlier, the outage would have been shorter.",
        # obviously and just about an artifact or a measurement
        "The latency graph obviously showed 40% more requests.",
        "The alert fired just after the deploy.",
        # ordinary postmortem prose full of loaded verbs used neutrally
        "The job failed to start because the volume was full.",
        "The team failed to reproduce the bug in staging.",
        "The health check missed the stale replica because it only checked the port.",
        "In retrospect, the team agreed that we should invest in load tests.",
        "The team deployed the fix without downtime.",
        # human error as the topic: defined, designed for, read as a symptom
        "Human error is inevitable, so the system has to absorb it.",
        "Manual counting of the stock is susceptible to human error.",
        "You can see operator error as the symptom of a deeper problem.",
        # negation written with a typographic apostrophe, as most published prose is
        "A developer shouldn’t be punished for flaws in the system.",
        "We don’t discipline people for honest slips.",
    ],
)
def test_principle_credit_and_neutral_prose_are_left_alone(text):
    assert categories(text) == set()


def test_a_text_that_is_one_quotation_is_read_as_its_content_but_a_quote_inside_a_sentence_is_not():
    assert "person" in categories('"Bob forgot to run the migration script."', PEOPLE)
    assert categories('Bob wrote in the channel: "I forgot to run the migration script".', PEOPLE) == set()


def test_a_quotation_labelled_as_the_bad_example_is_read_but_one_to_avoid_is_not():
    assert "who-question" in categories("Bad: “Why didn’t you check the logs?”")
    assert "fix-person" in categories('- Blameful: "Be more careful next time."')
    assert categories("Avoid: “Why didn’t you check the logs?”") == set()


def test_human_error_as_a_quoted_term_is_the_writers_own_conclusion():
    assert "human-error" in categories("The investigation returned a verdict of “human error”.")
    assert categories("We no longer accept “human error” as a finding.") == set()


def test_cue_words_never_change_what_the_rules_find():
    """Rules with cue words run only on sentences that contain one; over every
    corpus sentence the findings must equal those of the full-text scan."""
    rows = [s for name in ("lint_public_dev.tsv", "lint_public_test.tsv", "lint_corpus.tsv") for _w, s in read_corpus(DATA / name)]
    with_cues = [[(f.rule, f.column) for f in rules_only(s, PEOPLE)] for s in rows]
    original = LintText.sentences_with
    LintText.sentences_with = lambda self, cue: [(0, len(self.masked))]  # type: ignore[method-assign]
    try:
        without = [[(f.rule, f.column) for f in rules_only(s, PEOPLE)] for s in rows]
    finally:
        LintText.sentences_with = original  # type: ignore[method-assign]
    assert with_cues == without


def test_the_second_opinion_flags_what_no_rule_knows_and_explains_it_by_family():
    model = load_model()
    assert model is not None, "src/cairn/analysis/lint/lint_model.json is missing: run bench/train_lint_model.py"
    sentence = "He was too busy chatting to notice the pages and just clicked through the warning."
    assert rules_only(sentence) == []
    findings = lint_text(sentence)
    assert findings, "the model should find this sentence blameful"
    finding = findings[0]
    assert finding.rule.endswith(".likely") and finding.message.startswith("Reads like")
    assert finding.excerpt and finding.excerpt in sentence and finding.suggestion
    assert model.judge(sentence).probability > model.threshold
    assert lint_text(sentence, LintConfig(disable=frozenset({"model"}))) == []


def test_the_second_opinion_stays_quiet_on_sentences_about_no_one():
    assert lint_text("The queue backed up for hours while the consumer pool was asleep.") == []


def test_new_findings_carry_a_concrete_rewrite_of_their_sentence():
    for text in ("Why didn't you check the logs?", "Remind everyone to be more careful.",
                 "In hindsight it was obvious that the cache was stale.", "Dave forgot to renew the certificate."):
        finding = lint_text(text)[0]
        assert finding.rewrite and finding.rewrite != text, text


@pytest.mark.parametrize(
    ("text", "rewrite"),
    [
        ("Somebody merged without running the tests.",
         "The change was merged without running the tests; what would make the tool require it, instead of someone remembering?"),
        ("The crew elected not to use the checklist.",
         "Nothing required anyone to use the checklist; what made going without it look reasonable at the time?"),
        ("The pilot misread the altimeter.", "The altimeter was misread; what made the wrong reading look right at the time?"),
    ],
)
def test_slips_are_reworded_from_their_own_words(text, rewrite):
    assert [finding.rewrite for finding in lint_text(text)] == [rewrite]


def test_the_public_test_split_keeps_its_figures():
    """Regression guard on the held-out split (never tuned on): the figures of
    the closing note of issue 18, a little below, so noise in a retrained
    model does not fail the build but a rule that breaks does."""
    total = evaluate_families(read_corpus(DATA / "lint_public_test.tsv"))["overall"]
    assert total.precision >= 0.80 and total.recall >= 0.46, (total.precision, total.recall)


def test_a_team_configuration_can_turn_the_second_opinion_off(tmp_path):
    from cairn.analysis.lint.config import load_config

    path = tmp_path / "lint.toml"
    path.write_text('[lint]\ndisable = ["model", "person.likely"]\n', encoding="utf-8")
    config = load_config(path)
    assert lint_text("She was too busy chatting to notice the pages.", config) == []
    path.write_text('[lint]\ndisable = ["nonsense.likely"]\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown rule or category"):
        load_config(path)
