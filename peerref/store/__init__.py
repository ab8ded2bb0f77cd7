"""Storage of the library in SQLite through SQLAlchemy 2; returns core objects only."""
