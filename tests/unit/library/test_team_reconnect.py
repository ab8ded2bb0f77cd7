"""A team library across a server restart: refused clearly while down, fine once it is back.

Each test has a PostgreSQL server of its own (``restartable_postgres``) that it stops and
starts, as an administrator's restart or a crash would; the library stays open throughout,
as a window does.
"""

from __future__ import annotations

import pytest

from peerref.core.errors import StorageError
from peerref.core.model import Reference
from peerref.library import Library


@pytest.fixture
def team_url(restartable_postgres: object) -> str:
    url: str = restartable_postgres.create_database("team")  # type: ignore[attr-defined]
    Library.open(url).close()
    return url


def test_an_open_library_works_again_after_the_server_restarts(
    restartable_postgres: object, team_url: str
) -> None:
    server = restartable_postgres
    with Library.open(team_url) as library:
        (ref_id,) = library.add([Reference(title="Peer support before")]).added
        server.stop()  # type: ignore[attr-defined]
        server.start()  # type: ignore[attr-defined]
        # The pooled connections died with the server: the next call reconnects.
        assert library.get(ref_id).title == "Peer support before"
        (after,) = library.add([Reference(title="Peer support after")]).added
        assert {r.title for r in library.get_many([ref_id, after])} == {
            "Peer support before",
            "Peer support after",
        }


def test_a_write_while_the_server_is_down_is_refused_and_nothing_is_half_done(
    restartable_postgres: object, team_url: str
) -> None:
    server = restartable_postgres
    with Library.open(team_url) as library:
        (ref_id,) = library.add([Reference(title="Recovery colleges")]).added
        shown = library.get(ref_id)  # the copy a window holds
        server.stop()  # type: ignore[attr-defined]
        try:
            with pytest.raises(StorageError) as refused:
                library.update(shown.with_changes(title="Changed"))
            message = str(refused.value)
            assert "was not saved" in message and "connection failed" in message
            assert "the library is as it was" in message
        finally:
            server.start()  # type: ignore[attr-defined]
        assert library.get(ref_id).title == "Recovery colleges"
        # Made again once the server is back, the same edit goes through.
        library.update(shown.with_changes(title="Changed"))
        assert library.get(ref_id).title == "Changed"


def test_listening_resumes_after_the_server_restarts(
    restartable_postgres: object, team_url: str
) -> None:
    server = restartable_postgres
    with Library.open(team_url) as listener, Library.open(team_url) as writer:
        writer.set_user("Bob")
        feed = listener.listen()
        server.stop()  # type: ignore[attr-defined]
        with pytest.raises(ConnectionError):
            feed.wait(1.0)
        feed.close()
        server.start()  # type: ignore[attr-defined]
        feed = listener.listen()
        try:
            (ref_id,) = writer.add([Reference(title="After the restart")]).added
            changes = feed.wait(5.0)
            assert changes and changes[0].by == "Bob" and ref_id in changes[0].changes.added
        finally:
            feed.close()
