"""A corpus of known secret shapes, each found whole, and of ordinary incident prose, left alone.

Every secret here is fake, made up for this test in the shape of the real thing.
"""

from __future__ import annotations

import pytest

from cairn.domain.redaction import CAIRN_RULES, SECRET_REPLACEMENT, Redactor, detect_secrets_rules

AWS_ID = "AKIAQ4XRZ2M7TBW3NV5P"
AWS_SECRET = "Zt3vQx8LmN2pR7sK1wB9yC4dF6gH0jAeUoIiEa+/"
ASIA_ID = "ASIAV7KD2LQ9XZ3RT4MN"

# (shape, text around it, the secret that must disappear)
CORPUS = [
    ("AWS access key id", f"key id {AWS_ID} in the log", AWS_ID),
    ("AWS temporary key id", f"session {ASIA_ID} expired", ASIA_ID),
    ("AWS secret, env file", f"aws_secret_access_key={AWS_SECRET}", AWS_SECRET),
    ("AWS secret, env file upper case, exported", f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET),
    ("AWS secret, YAML", f"AWS_SECRET_ACCESS_KEY: {AWS_SECRET}", AWS_SECRET),
    ("AWS secret, shell, double quotes", f'AWS_SECRET_ACCESS_KEY="{AWS_SECRET}"', AWS_SECRET),
    ("AWS secret, JSON", f'{{"aws_secret_access_key": "{AWS_SECRET}"}}', AWS_SECRET),
    ("AWS secret, credentials file", f"[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
    ("AWS secret, bare after its id", f"pair: {AWS_ID} {AWS_SECRET}", AWS_SECRET),
    ("AWS secret, bare before its id", f"{AWS_SECRET} belongs to {AWS_ID}", AWS_SECRET),
    ("password, env file", "DB_PASSWORD=Tr0ub4dor-and-3", "Tr0ub4dor-and-3"),
    ("password, YAML", "  db_password: Wq8rT3yU6iO9p", "Wq8rT3yU6iO9p"),
    ("password, no separator in the name", "PGPASSWORD=Hx4jK7lM2nB5v psql", "Hx4jK7lM2nB5v"),
    ("password, JSON", '{"password": "correct horse 42 staple"}', "correct horse 42 staple"),
    ("password, TOML single quotes", "smtp_password = 'Lq2wE5rT8yU1'", "Lq2wE5rT8yU1"),
    ("secret, env file", "STRIPE_WEBHOOK_SECRET=whsec_Ab3Cd6Ef9Gh2Ij5K", "whsec_Ab3Cd6Ef9Gh2Ij5K"),
    ("secret, Rails base", "SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("client secret, YAML", "client_secret: Kp9Lm3Nq7Rs1Tv5W", "Kp9Lm3Nq7Rs1Tv5W"),
    ("token, env file", "SLACK_BOT_TOKEN=Vb6Nm2Qw8Er4Ty0U", "Vb6Nm2Qw8Er4Ty0U"),
    ("token, JSON", '{"GITHUB_TOKEN": "Mz5Xc1Vb7Nq3Ws9E"}', "Mz5Xc1Vb7Nq3Ws9E"),
    ("token, TOML", 'api_token = "Qa2Ws4Ed6Rf8Tg0Y"', "Qa2Ws4Ed6Rf8Tg0Y"),
    ("key, env file", "SENDGRID_API_KEY=Zx3Cv5Bn7Mq9Wr1T", "Zx3Cv5Bn7Mq9Wr1T"),
    ("key, YAML", "encryption-key: Pl0Ok9Ij8Uh7Yg6T", "Pl0Ok9Ij8Uh7Yg6T"),
    ("key, TOML", 'service_key = "Rf4Tg5Yh6Uj7Ik8O"', "Rf4Tg5Yh6Uj7Ik8O"),
    ("key, Go/Pascal assignment", 'signingKey := "Hn3Jm5Kl7Qw9Er1T"', "Hn3Jm5Kl7Qw9Er1T"),
    ("password in URL", "postgres://app:Gv7Bh3Nj9Mk1@db.example.com:5432/app", "Gv7Bh3Nj9Mk1"),
    ("password in URL, empty user", "redis://:Sd4Fg6Hj8Kl0@cache.example.com:6379/0", "Sd4Fg6Hj8Kl0"),
    ("token as URL user", "git clone https://Qw3Er5Ty7Ui9Op1As3Df@git.example.com/org/repo.git", "Qw3Er5Ty7Ui9Op1As3Df"),
    ("token in URL query", "GET /callback?access_token=Yu8Io6Pa4Sd2Fg0H&page=2", "Yu8Io6Pa4Sd2Fg0H"),
    ("key in URL query", "https://api.example.com/v1/geo?api_key=Xc5Vb3Nm1Qw9Er7T", "Xc5Vb3Nm1Qw9Er7T"),
    ("Google API key", "maps key AIzaSyB3k5Lm7Np9Qr1St3Uv5Wx7Yz9Ab1Cd3Ef used", "AIzaSyB3k5Lm7Np9Qr1St3Uv5Wx7Yz9Ab1Cd3Ef"),
    ("GitHub personal token", "ghp_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5", "ghp_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5"),
    ("GitHub fine-grained token", "github_pat_11AB3CD5E0" + "x9Y8z7W6v5U4t3S2r1Q0p9O8n7M6l5K4j3", "github_pat_11AB3CD5E0" + "x9Y8z7W6v5U4t3S2r1Q0p9O8n7M6l5K4j3"),
    ("GitLab token", "glpat-" + "Xy9Zw8Vu7Ts6Rq5Po4Nm", "glpat-" + "Xy9Zw8Vu7Ts6Rq5Po4Nm"),
    ("Slack bot token", "xoxb-" + "2048123456789-4096123456789-Ab3Cd5Ef7Gh9Ij1K", "xoxb-" + "2048123456789-4096123456789-Ab3Cd5Ef7Gh9Ij1K"),
    ("Slack webhook", "https://hooks.slack.com/services/T0ABC1DEF/B0GHI2JKL/Mn3Op5Qr7St9Uv1W", "T0ABC1DEF/B0GHI2JKL/Mn3Op5Qr7St9Uv1W"),
    ("Stripe live secret key", "sk_live_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7", "sk_live_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7"),
    ("Stripe test secret key", "sk_test_" + "Zy9Xw7Vu5Ts3Rq1Po9", "sk_test_" + "Zy9Xw7Vu5Ts3Rq1Po9"),
    ("SendGrid key", "SG." + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5O" + "." + "p7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij7Kl9Mn1Op3Qr", "p7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij7Kl9Mn1Op3Qr"),
    ("Twilio API key", "SK" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "SK" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    ("Mailchimp key", "0a1b2c3d4e5f60718293a4b5c6d7e8f9" + "-us14", "0a1b2c3d4e5f60718293a4b5c6d7e8f9-us14"),
    ("npm token", "//npm.example.com/:_authToken=npm_" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5", "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5"),
    ("Telegram bot token", "bot 123456789:" + "AAFb3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3", "AAFb3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3"),
    ("Azure storage key", "AccountKey=" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij7Kl9Mn1Op3Qr5St7Uv9Wx1Yz3Ab5Cd7Ef9Gh1Ij3K==", "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3"),
    ("JSON web token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.Qm9ndXMtc2lnbmF0dXJlLWZvci10ZXN0cw", "Qm9ndXMtc2lnbmF0dXJlLWZvci10ZXN0cw"),
    ("bearer header", "Authorization: Bearer Fk3Jd8Sl2Qp7Wm4Xn9Rt", "Fk3Jd8Sl2Qp7Wm4Xn9Rt"),
    ("basic auth header", "Authorization: Basic ZmFrZS11c2VyOmZha2UtcGFzcw==", "ZmFrZS11c2VyOmZha2UtcGFzcw=="),
    ("Cairn token", "cairn_" + "Hq2Wn5Lp8Zr3Xk6Vm9Tc", "cairn_" + "Hq2Wn5Lp8Zr3Xk6Vm9Tc"),
    ("RSA private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----", "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"),
    ("OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"),
    ("PGP private key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0fakeKEYmaterialHERE\n-----END PGP PRIVATE KEY BLOCK-----", "lQOYBF0fakeKEYmaterialHERE"),
]


@pytest.mark.parametrize("shape, text, secret", CORPUS, ids=[shape for shape, _, _ in CORPUS])
def test_each_known_secret_shape_is_removed_whole(shape: str, text: str, secret: str) -> None:
    redactor = Redactor()
    out = redactor.text(f"before {text} after", "test")
    assert secret not in out and SECRET_REPLACEMENT in out, out
    assert out.startswith("before ") and out.endswith(" after")
    assert all(item.is_secret for item in redactor.found), redactor.found


ORDINARY = [
    "At 14:05:03 we rolled back v1.4.2; the ratio was 3:2 and p99 latency 120ms on checkout.",
    "Rolled back to 3f2c1a9b7e6d5c4b3a29180f7e6d5c4b3a291807 (the release commit) in eu-west-1.",
    "The primary key: id, and the sort key: created_at; the token bucket refills at 100/s.",
    "Password reset e-mails were delayed by 40 minutes; nobody's secret was exposed.",
    "SHA-256 checksums matched; UTF-16 input from the CSV importer was the trigger (INC-12, SEV-2).",
    "Deployment 2024.11.3 of checkout-api went to 30% of pods at 10:02 CET; PT5M later we paused it.",
    "The request id was 123e4567-e89b-12d3-a456-426614174000 and the trace a1b2c3d4e5f60718.",
    "Redis evicted keys under memory pressure: maxmemory-policy was allkeys-lru.",
    "We use API keys per customer; the key rotation runbook (docs/runbooks/rotate.md) worked.",
    "Grafana showed the APDEX dropping from 0.94 to 0.61 while GC pauses reached 1.2s.",
    '{"groupKey":"{}:{alertname=\\"HighLatency\\"}", "status": "firing", "version": "4"}',
    '{"alert_key": "c24117fc42e44b44b4d6876190583378", "incident_key": "srv01/HTTP"}',
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_incident_prose_is_left_alone(text: str) -> None:
    redactor = Redactor()
    assert redactor.text(text, "test") == text, redactor.found


def test_the_maintained_rule_set_is_read_as_data_and_comes_before_cairns_own() -> None:
    maintained = detect_secrets_rules()
    assert len(maintained) >= 20 and {rule.source for rule in maintained} == {"detect-secrets"}
    assert {"AWS Access Key", "Slack Token", "GitHub Token", "JSON Web Token", "Stripe Access Key"} <= {r.kind for r in maintained}
    # Cairn keeps its own rules only for what the maintained set lacks.
    assert not {rule.kind.casefold() for rule in CAIRN_RULES} & {rule.kind.casefold() for rule in maintained}
