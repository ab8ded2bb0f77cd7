"""Readers and writers of reference formats; parsers return core objects (STYLE.md #9)."""
