"""The public version never carries a secret, an address or a person's name, in any format."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest

from cairn.domain.redaction import Redactor
from cairn.services.portable import export_file, import_document, redactions

SECRETS = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_" + "x1Y2z3" * 6,
    "github_pat_" + "A1b2C3d4E5" * 4,
    "xoxb-123456789012-abcdefghijklmnop",
    "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX",
    "cairn_" + "Zq9" * 12,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "hunter2hunter2",  # in password=...
    "s3cr3t-P4ss",  # in a URL
    "Zm9vYmFyYmF6cXV4cXV1eA",  # bearer
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
]
PII = ["oncall@acme.example", "10.20.30.40", "192.168.1.254", "2001:db8::8a2e:370:7334", "db-7.prod.internal", "payments.svc.cluster.local"]


@pytest.mark.parametrize("secret", SECRETS)
def test_each_secret_shape_is_found(secret: str) -> None:
    contexts = {
        "hunter2hunter2": "password=hunter2hunter2",
        "s3cr3t-P4ss": "postgres://app:s3cr3t-P4ss@db.example.com/app",
        "Zm9vYmFyYmF6cXV4cXV1eA": "Authorization: Bearer Zm9vYmFyYmF6cXV4cXV1eA",
    }
    redacted = Redactor().text(f"before {contexts.get(secret, secret)} after", "test")
    assert secret not in redacted and "[secret removed]" in redacted and redacted.startswith("before ")


def test_ordinary_text_is_left_alone() -> None:
    text = "At 14:05:03 we rolled back v1.4.2; the ratio was 3:2 and p99 latency 120ms on checkout."
    assert Redactor().text(text, "test") == text


DOC = """---
title: Outage after deploy by amara on db-7.prod.internal
severity: SEV2
timezone: UTC
moments: {started: 2026-11-02T10:00:00Z, resolved: 2026-11-02T10:40:00Z}
participants:
- {user: amara, role: owner}
- {user: jonas, role: responder}
timeline:
- {at: 2026-11-02T10:05:00Z, kind: action, actor: jonas, text: "jonas pasted password=hunter2hunter2 and AKIAIOSFODNN7EXAMPLE from 10.20.30.40"}
factors:
- {id: F1, description: "Token xoxb-123456789012-abcdefghijklmnop was in the runbook", category: process, role: latent condition, whys: [{why: "Why was it there?", because: "oncall@acme.example copied it"}]}
action_items:
- {id: A1, title: "Rotate sk_live_4eC39HqLyjWDarjtT1zdp7dc", owner: amara, due: 2099-01-01, priority: P1, kind: prevent, status: open}
---
## Summary

amara saw errors from payments.svc.cluster.local and 2001:db8::8a2e:370:7334.
Connection string: postgres://app:s3cr3t-P4ss@db.example.com/app

## What went wrong

Authorization: Bearer Zm9vYmFyYmF6cXV4cXV1eA was logged.

## Escalation contacts (internal)

Call jonas on +49 170 0000000; the vault path is secret/payments.
"""


def test_no_secret_or_personal_data_leaks_into_any_public_format(ctx) -> None:
    import pypdf

    key = import_document(ctx, DOC).key
    outputs = {fmt: export_file(ctx, key, fmt, public=True, diagrams=False).body.decode() for fmt in ("markdown", "json", "html")}
    # The diagrams too: the Markdown's embedded images decoded, the JSON's SVG and DOT text, and its executive summary.
    with_diagrams = export_file(ctx, key, "markdown", public=True).body.decode()
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", with_diagrams)
    assert len(images) == 2
    outputs["markdown diagrams"] = with_diagrams + "".join(base64.b64decode(image).decode() for image in images)
    full_json = json.loads(export_file(ctx, key, "json", public=True).body)
    assert {"diagrams", "executive_summary"} <= set(full_json)
    outputs["json with diagrams and summary"] = json.dumps(full_json, ensure_ascii=False)
    pdf = export_file(ctx, key, "pdf", public=True).body
    outputs["pdf"] = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    leaks = ["hunter2hunter2", "AKIAIOSFODNN7EXAMPLE", "xoxb-123456789012", "sk_live_4eC39", "s3cr3t-P4ss", "Zm9vYmFyYmF6cXV4cXV1eA",
             "oncall@acme.example", "10.20.30.40", "2001:db8::8a2e", "db-7.prod.internal", "payments.svc.cluster.local",
             "amara", "jonas", "+49 170", "Escalation contacts"]
    for fmt, text in outputs.items():
        found = [leak for leak in leaks if leak in text]
        assert found == [], fmt
    assert "Person A" in outputs["markdown"] and "[secret removed]" in outputs["markdown"]
    assert "Rotate [secret removed]" in outputs["html"]


def test_the_redactions_can_be_reviewed_before_publishing_without_showing_secrets(ctx, cli) -> None:
    key = import_document(ctx, DOC).key
    kinds = {r.kind for r in redactions(ctx, key)}
    # Kinds named by detect-secrets' rules where they found it first, by Cairn's own for the rest.
    assert {"secret value", "AWS Access Key", "Slack Token", "Stripe Access Key", "Basic Auth Credentials", "bearer token",
            "person", "e-mail address", "IP address", "internal host", "internal section"} <= kinds
    listed = cli("export", key, "--show-redactions")
    assert listed.exit_code == 0 and "AWS Access Key\tAKIA… (20 characters) -> [secret removed]" in listed.output
    assert "hunter2hunter2" not in listed.output and "AKIAIOSFODNN7EXAMPLE" not in listed.output
    public = cli("export", key, "--public")
    assert public.exit_code == 0 and "hunter2" not in public.output and "## Escalation contacts" not in public.output


def test_the_editor_shows_the_checklist_and_the_redactions_before_publishing(ctx, settings) -> None:
    from tests.web.personas import signed_in_client

    key = import_document(ctx, DOC).key
    page = signed_in_client(settings, ctx).get(f"/incidents/{key}/postmortem").text
    assert "Completeness" in page and "publishing needs all" in page
    assert "AWS Access Key: AKIA… (20 characters)" in page and "AKIAIOSFODNN7EXAMPLE" not in page.split('id="redactions"')[1].split("</details>")[0]
