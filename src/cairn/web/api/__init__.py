"""The JSON API: each page's machine-readable twin, under /api/v1."""
