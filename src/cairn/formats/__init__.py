"""Text formats of the portable incident document (Markdown, JSON)."""
