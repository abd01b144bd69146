"""Scores for PressLens extractors on public gold standards kept outside the repository."""
