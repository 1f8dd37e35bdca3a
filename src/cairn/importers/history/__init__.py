"""Bringing in postmortems written elsewhere, in their own templates (issue: history import)."""
