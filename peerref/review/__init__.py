"""Literature reviews: screening decisions, PRISMA 2020 counts, search log and diagram.

A room beside the ``Library`` façade (``library.reviews``), between it and the store:
it reads and writes only through ``peerref.store.reviews`` and never imports Qt.
"""

from __future__ import annotations

from peerref.review.manager import ReviewManager, ReviewState, default_reviewer

__all__ = ["ReviewManager", "ReviewState", "default_reviewer"]
