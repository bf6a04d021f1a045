"""Deciding awards: juries, criteria, assignments, scores, public votes and tallying."""
