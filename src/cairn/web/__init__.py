"""Web pages and the JSON API: thin layers over `cairn.services`."""
