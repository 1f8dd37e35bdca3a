"""First drafts from the record, measured.

On the demo incidents: the share of factual draft sentences that carry a
citation (goal: all), the share of stated times that match the cited record
(goal: all), and blameless-language findings in the drafts (goal: none).
Then the time to draft an incident with 10,000 events (read, draft, verify,
store) against the time to read its timeline, as a ratio in the same run.

Run: python bench/drafts.py [--demo 60] [--big 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_incident import document  # noqa: E402  (the same 10,000-event incident as the page bench)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=int, default=60, help="demo incidents to draft")
    parser.add_argument("--big", type=int, default=10_000, help="events in the big incident")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from cairn.analysis.lint.engine import lint_text
    from cairn.config import Settings
    from cairn.domain.citations import sentences, strip_citations
    from cairn.domain.draft_check import Evidence, check_sentence, stated_times
    from cairn.services.context import open_context
    from cairn.services.demo import load_demo
    from cairn.services.drafts import draft_postmortem
    from cairn.services.incidents import list_incidents, show_incident
    from cairn.services.portable import import_document
    from cairn.storage.db import Database
    from cairn.storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=f"sqlite:///{data_dir}/bench.db")
        database = Database(settings.database_url)
        upgrade(database)
        database.dispose()
        ctx = open_context(settings, actor="bench")
        load_demo(ctx, anchor=date(2026, 12, 1), count=args.demo)

        factual = cited = times = times_held = findings = questions = drafted = 0
        incidents, _ = list_incidents(ctx, limit=1000)
        for item in incidents:
            result = draft_postmortem(ctx, item.key)
            evidence = Evidence.of(show_incident(ctx, item.key))
            drafted += 1
            for section in result.sections:
                for sentence in sentences(section.text):
                    if sentence.block == "heading":
                        continue
                    check = check_sentence(sentence, evidence)
                    if check.question:
                        questions += 1
                    else:
                        factual += 1
                        cited += bool(check.citations)
                    stated = stated_times(sentence.text)
                    times += stated
                    times_held += stated - sum(1 for reason in check.reasons if reason.startswith("gives the time"))
                    findings += len(lint_text(strip_citations(sentence.text)))
        print(f"demo incidents drafted: {drafted}")
        print(f"factual sentences with a citation: {cited}/{factual} = {cited / max(factual, 1):.1%} (goal: all)")
        print(f"stated times that match the cited record: {times_held}/{times} = {times_held / max(times, 1):.1%} (goal: all)")
        print(f"blameless-language findings in the drafts: {findings} (goal: none); questions for the author: {questions}")

        read, draft = [], []
        for round_number in range(args.rounds):
            # A fresh copy each round, so every draft writes its sections (none is "already there").
            big = import_document(ctx, document(args.big).replace("title: ", f"title: Round {round_number + 1} ", 1), source="big.md").key
            began = time.perf_counter()
            show_incident(ctx, big)
            read.append(time.perf_counter() - began)
            began = time.perf_counter()
            draft_postmortem(ctx, big)
            draft.append(time.perf_counter() - began)
        ratio = statistics.median(draft) / statistics.median(read)
        print(f"{args.big} events: reading the timeline {statistics.median(read):.2f} s, drafting {statistics.median(draft):.2f} s "
              f"(median of {args.rounds}); ratio {ratio:.1f}")
        ok = cited == factual and times_held == times and findings == 0
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
