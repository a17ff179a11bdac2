"""Logging, configured once for the whole program from PORTAL_LOG_LEVEL."""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str) -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    logging.basicConfig(level=numeric, format=FORMAT, force=True)
    for noisy in ("aiosmtpd", "mail.log", "alembic", "httpx", "apscheduler", "telegram"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
