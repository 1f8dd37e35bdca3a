"""Action-item owners must be existing accounts: documents in tests name
owners who are not participants, so tests create those accounts first."""

from __future__ import annotations

from cairn.services.context import Context
from cairn.services.people import create_user, list_users


def known_owners(ctx: Context, *usernames: str) -> None:
    """Create each account that does not exist yet (as `cairn user create` would)."""
    existing = {user.username for user in list_users(ctx)}
    for name in dict.fromkeys(usernames):
        if name not in existing:
            create_user(ctx, name)
