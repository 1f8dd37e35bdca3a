"""Pure rules of the incident and postmortem domain: no I/O, no frameworks."""
