"""Use cases that look across incidents: similar incidents and repeats, recurring
factors, metrics and the periodic report. Every one reads through the one
visibility rule (services/access.py)."""
