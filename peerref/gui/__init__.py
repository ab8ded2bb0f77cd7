"""The Qt desktop window: the only package (with ``peerref.app``) that imports PySide6.

Everything here adapts the :class:`peerref.library.Library` façade to widgets; storage and
parsing stay below it (STYLE.md #1).
"""
