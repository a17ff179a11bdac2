"""A real IMAP server for the tests: Debian's Dovecot on loopback, with a throwaway mail store.

`.ci/run` installs `dovecot-imapd`; without it the tests that need a server skip with the reason.
Each `Dovecot` has its own configuration, port, users and maildirs in a fresh folder, runs in
the foreground (`dovecot -F`) as a child of the test, and is stopped with it.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.harness import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
NO_DOVECOT = (
    "Dovecot is not installed (Debian's dovecot-imapd; .ci/run installs it): IMAP tests skipped"
)


def available() -> bool:
    return os.access(DOVECOT, os.X_OK) and os.access(DOVEADM, os.X_OK)


def _mail_owner() -> tuple[int, int]:
    """Dovecot refuses to handle mail as root: as root, the mail store belongs to its own
    `dovecot` user; otherwise to whoever runs the tests."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


class Dovecot:
    """One IMAP server: `users` maps login to password. `extra` is appended to its config
    (for instance an oauth2 passdb)."""

    def __init__(self, users: dict[str, str], *, extra: str = "") -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-imap-"))
        self.folder.chmod(0o755)  # its mail processes run as another user when we are root
        self.port = free_port()
        self.users = dict(users)
        self.extra = extra
        self.process: subprocess.Popen[bytes] | None = None
        self.config = self.folder / "dovecot.conf"

    # ---- life -------------------------------------------------------------------------------
    def start(self) -> Dovecot:
        uid, gid = _mail_owner()
        for sub in ("run", "state", "mail"):
            (self.folder / sub).mkdir(exist_ok=True)
        os.chown(self.folder / "mail", uid, gid)
        (self.folder / "passwd").write_text(
            "".join(
                f"{login}:{{PLAIN}}{password}::::::\n" for login, password in self.users.items()
            )
        )
        login_user = "dovenull" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
        internal_user = "dovecot" if os.geteuid() == 0 else login_user
        self.config.write_text(
            f"""
base_dir = {self.folder}/run
state_dir = {self.folder}/state
log_path = {self.folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.folder}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
default_internal_user = {internal_user}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
{self.extra}
"""
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot did not start: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # ---- what the tests do to it --------------------------------------------------------------
    def url(self, login: str, folder: str = "INBOX", *, password: bool = True) -> str:
        """imap://login:password@127.0.0.1:port/folder (the login's @ escaped)."""
        from urllib.parse import quote

        secret = f":{quote(self.users[login], safe='')}" if password else ""
        return f"imap://{quote(login, safe='')}{secret}@127.0.0.1:{self.port}/{folder}"

    def client(self, login: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(login, self.users[login])
        return client

    def deliver(self, login: str, raw: bytes, folder: str = "INBOX") -> int:
        """Put a message in a folder, unread, as the provider's delivery would; its UID."""
        client = self.client(login)
        try:
            status, data = client.append(folder, None, None, raw)  # type: ignore[arg-type]
            assert status == "OK", data
            # [APPENDUID <uidvalidity> <uid>] Append completed.
            text = data[0].decode() if isinstance(data[0], bytes) else str(data[0])
            return int(text.split("APPENDUID ", 1)[1].split("]", 1)[0].split()[1])
        finally:
            client.logout()

    def doveadm(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        done = subprocess.run(
            [DOVEADM, "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode not in ok:
            raise RuntimeError(f"doveadm {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def kick(self, login: str) -> None:
        """Drop every connection of a user, as a provider's restart would (doveadm exits 68
        when the user had none)."""
        self.doveadm("kick", login, ok=(0, 68))
