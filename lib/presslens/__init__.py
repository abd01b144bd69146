"""PressLens: who is doing and saying what, about which themes, across news articles."""

__version__ = "0.1.0"
