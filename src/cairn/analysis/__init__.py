"""Pure analysis over incidents and text: no I/O, no database."""
