"""Revision 0008: reviews made before dual screening stay single, decisions stay plain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from peerref.core.model import Reference
from peerref.core.prisma import Verdict
from peerref.library import Library
from peerref.store import migrations
from peerref.store.engine import make_engine, set_foreign_keys


def test_a_library_goes_down_to_0007_and_back_up_keeping_its_reviews(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library.open(path, daily_backup=False) as library:
        library.add([Reference(title="Peer navigators")])
        review = library.reviews.create("Old review", dual=True)
        (ref_id,) = library.reviews.state(review).pool
        library.reviews.reviewer = "Ana"
        library.reviews.decide(review, ref_id, Verdict.INCLUDE)
    engine = make_engine(path)
    with engine.connect() as connection:
        # As ``migrations.upgrade`` does: batch mode recreates ``review``, and with foreign
        # keys on, dropping it would cascade to the decisions.
        set_foreign_keys(connection, False)
        with connection.begin():
            command.downgrade(migrations.make_config(connection), "0007")
    engine.dispose()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0007",)]
    columns = {row[1] for row in db.execute("PRAGMA table_info(review)")}
    assert "screening" not in columns and "name" in columns
    db.close()
    with Library.open(path, daily_backup=False) as library:  # upgraded again on opening
        (review,) = library.reviews.all()
        assert (review.name, review.dual) == ("Old review", False)
        (decision,) = library.reviews.decisions(review)
        assert (decision.reviewer, decision.resolution) == ("Ana", False)
