"""How many planted secrets and names survive in each public format?

Plants the corpus of tests/formats/test_public_leaks.py (14 secret shapes and
8 names or hosts) in a fresh SQLite incident, exports the public version in
every format and through the API and the preview page, and prints per format
the planted items still found (target: 0 everywhere; the preview page is only
checked for secrets, since it lists the names it replaces for reviewers).
Run from the repository root: PYTHONPATH=src:. python bench/public_leaks.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def main() -> None:
    from cairn.config import Settings
    from cairn.services.context import open_context
    from tests.formats import test_public_leaks as corpus
    from tests.web.personas import signed_in_client

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'cairn.db'}", data_dir=Path(folder), timezone="UTC")
        base = open_context(settings, actor="bench")
        ctx = corpus._context(base)
        key = corpus._plant(ctx)
        outputs = corpus.public_outputs(ctx, key, signed_in_client(ctx.settings, ctx, "admin"))
        secrets, names = len(corpus.PLANTED_SECRETS), len(corpus.PLANTED_NAMES)
        print(f"{'format':<20} secrets left (of {secrets})  names/hosts left (of {names})")
        for fmt, text in outputs.items():
            found = corpus.leaks(text, names=fmt != "public page")
            left_secrets = sum(1 for kind in found if kind in corpus.PLANTED_SECRETS)
            left_names = "-" if fmt == "public page" else str(len(found) - left_secrets)
            print(f"{fmt:<20} {left_secrets:>2}{'':<24}{left_names:>2}   {', '.join(found)}")
        ctx.db.dispose()
        base.db.dispose()


if __name__ == "__main__":
    main()
