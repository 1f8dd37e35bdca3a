"""SARIF 2.1.0 output, so code-review tools can show findings inline."""

from __future__ import annotations

from typing import Any

from cairn.analysis.lint.findings import Finding
from cairn.analysis.lint.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def artifact_uri(artifact: str) -> str:
    """Files as URIs (relative ones percent-encoded); incident keys as they are."""
    from pathlib import Path
    from urllib.parse import quote

    path = Path(artifact)
    if path.is_absolute():
        return path.as_uri()
    if path.exists():
        return quote(path.as_posix())
    return artifact


def to_sarif(results: list[tuple[str, Finding]], *, version: str) -> dict[str, Any]:
    """`results` pairs each finding with the file (or incident key) it is in."""
    rule_index = {rule.id: index for index, rule in enumerate(RULES)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cairn-lint",
                        "version": version,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.title,
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": rule.explanation},
                                "help": {"text": rule.suggestion},
                                "properties": {"category": rule.category},
                            }
                            for rule in RULES
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    {
                        "ruleId": finding.rule,
                        "ruleIndex": rule_index[finding.rule],
                        "level": "warning",
                        "message": {"text": f"{finding.message} Suggestion: {finding.suggestion}"},
                        "partialFingerprints": {"cairnFinding/v1": finding.id},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": artifact_uri(artifact)},
                                    "region": {
                                        "startLine": finding.line,
                                        "startColumn": finding.column,
                                        "endLine": finding.end_line,
                                        "endColumn": finding.end_column,
                                        "snippet": {"text": finding.excerpt},
                                    },
                                },
                                "logicalLocations": [{"name": finding.location}] if finding.location else [],
                            }
                        ],
                    }
                    for artifact, finding in results
                ],
            }
        ],
    }
