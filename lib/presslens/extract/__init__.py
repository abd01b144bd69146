"""Extractors: Doc in, small records out."""
