"""A throw-away PostgreSQL server for the benchmarks, started the way the tests start one.

The tests' ``tests/pg_server.py`` is loaded from its file (the tests folder is not a
package), so the benchmarks and the tests share one way of running ``initdb`` and
``pg_ctl`` on a free port.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType


def pg_server_module() -> ModuleType:
    """``tests/pg_server.py``, imported from its file."""
    path = Path(__file__).resolve().parents[1] / "tests" / "pg_server.py"
    spec = importlib.util.spec_from_file_location("pg_server", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@contextmanager
def library_url(url: str | None = None) -> Iterator[str]:
    """``url`` when given; else an empty database on a private server, removed afterwards."""
    if url:
        yield url
        return
    with pg_server_module().running_server() as server:
        yield str(server.create_database("bench"))
