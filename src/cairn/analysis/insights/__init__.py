"""Learning across incidents, as pure functions: similarity, recurrence, distributions."""
