"""cmirev: revise the CMI Level 6 Award in Public Service Leadership in a terminal."""

__version__ = "0.1.0"
