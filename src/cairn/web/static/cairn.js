// Progressive enhancement for Cairn pages; everything works without it.
