"""HTML pages, rendered on the server from Jinja2 templates."""
