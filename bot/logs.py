"""Logging, configured once for the whole program from PORTAL_LOG_LEVEL."""

import logging
from collections.abc import Iterable

from bot.masking import MaskingFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str, part: str = "", secrets: Iterable[str] = ()) -> None:
    """`part`: the part of `portal run` this process is (its name starts every line).
    `secrets`: values no log line may show (Settings.secrets()); each is written `***`."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    form = FORMAT.replace("%(name)s", f"[{part}] %(name)s") if part else FORMAT
    logging.basicConfig(level=numeric, format=form, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(form, secrets))
    for noisy in ("aiosmtpd", "mail.log", "alembic", "httpx", "apscheduler", "telegram"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
