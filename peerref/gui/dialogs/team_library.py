"""File › Open Team Library…: where the team's PostgreSQL library is, and how to log in.

The dialog builds a ``postgresql://user@host:port/dbname`` URL and never writes a
password to PeerRef's settings: libpq finds it in ``~/.pgpass`` or a service file, or
the OS keyring holds it when the person ticks "Remember". A password typed without
"Remember" reaches the new window's process through ``PGPASSWORD`` in its environment
only, never on its command line. The library opens in a window of its own, as
``peerref --library URL`` would, with its own live updates.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from PySide6.QtCore import QProcess, QProcessEnvironment
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerref.library import Library

DEFAULT_PORT = 5432
# libpq's sslmode values offered, most permissive first ("prefer": TLS when the server
# offers it, which is libpq's own default).
SSL_MODES = ("prefer", "require", "verify-full")


@dataclass(frozen=True, slots=True)
class TeamLibraryAddress:
    """Where a team library is and who logs in; everything but the password."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    ssl_mode: str = "prefer"

    def url(self) -> str:
        """The library's URL; user, host and database are percent-encoded."""
        user = quote(self.user, safe="") + "@" if self.user else ""
        port = f":{self.port}" if self.port != DEFAULT_PORT else ""
        query = f"?{urlencode({'sslmode': self.ssl_mode})}" if self.ssl_mode != "prefer" else ""
        return f"postgresql://{user}{self.host}{port}/{quote(self.database, safe='')}{query}"


class TeamLibraryDialog(QDialog):
    """Asks for a team library's server, database and login."""

    def __init__(self, parent: QWidget | None = None, *, user: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Team Library")
        self.host_field = QLineEdit(self)
        self.host_field.setPlaceholderText("db.example.org")
        self.port_field = QSpinBox(self)
        self.port_field.setRange(1, 65535)
        self.port_field.setValue(DEFAULT_PORT)
        self.database_field = QLineEdit(self)
        self.database_field.setPlaceholderText("team_review")
        self.user_field = QLineEdit(user, self)
        self.password_field = QLineEdit(self)
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText("from ~/.pgpass or the keyring when empty")
        self.remember_box = QCheckBox("Remember in the system keyring", self)
        self.ssl_box = QComboBox(self)
        self.ssl_box.addItems(SSL_MODES)
        form = QFormLayout()
        form.addRow("Server:", self.host_field)
        form.addRow("Port:", self.port_field)
        form.addRow("Database:", self.database_field)
        form.addRow("User:", self.user_field)
        form.addRow("Password:", self.password_field)
        form.addRow("", self.remember_box)
        form.addRow("Encryption (TLS):", self.ssl_box)
        note = QLabel(
            "PeerRef never stores the password in its settings. Ask the library's owner "
            "for the server, database and your login.",
            self,
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for field in (self.host_field, self.database_field):
            field.textChanged.connect(self._update_open_button)
        self._update_open_button()

    def _update_open_button(self) -> None:
        ready = bool(self.host_field.text().strip() and self.database_field.text().strip())
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        open_button.setEnabled(ready)

    def address(self) -> TeamLibraryAddress:
        return TeamLibraryAddress(
            host=self.host_field.text().strip(),
            database=self.database_field.text().strip(),
            user=self.user_field.text().strip(),
            port=self.port_field.value(),
            ssl_mode=self.ssl_box.currentText(),
        )

    def password(self) -> str:
        return self.password_field.text()


def launch_window(url: str, password: str = "") -> bool:
    """Start a PeerRef window on the team library; the password only in its environment."""
    process = QProcess()
    environment = QProcessEnvironment.systemEnvironment()
    if password:
        environment.insert("PGPASSWORD", password)
    process.setProcessEnvironment(environment)
    process.setProgram(sys.executable)
    if getattr(sys, "frozen", False):  # the bundle's executable is PeerRef itself
        process.setArguments(["--library", url])
    else:
        process.setArguments(["-m", "peerref", "--library", url])
    started, _pid = process.startDetached()
    return bool(started)


def open_team_library(parent: QWidget, *, user: str = "") -> TeamLibraryDialog:
    """Show the dialog; on Open, keep the password if asked and open the library's window."""
    dialog = TeamLibraryDialog(parent, user=user)

    def opened() -> None:
        url = dialog.address().url()
        password = dialog.password()
        if (
            password
            and dialog.remember_box.isChecked()
            and Library.remember_password(url, password)
        ):
            password = ""  # the new window finds it in the keyring
        launch_window(url, password)

    dialog.accepted.connect(opened)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
