"""Spred's dialogue core, command line and server assembly."""

__version__ = "0.1.0"
