"""The `portal` command line: the secretariat's and the operator's tool."""

from __future__ import annotations

from bot.cli.actors import actors
from bot.cli.authorize import authorize
from bot.cli.backup import backup, restore
from bot.cli.base import cli
from bot.cli.calls import call
from bot.cli.digests import digest, matches
from bot.cli.doctor import doctor
from bot.cli.inbox import inbox
from bot.cli.mailbox import mailbox
from bot.cli.outbox import outbox
from bot.cli.people import focal_point, secretariat
from bot.cli.records import confirm, records, reject
from bot.cli.report import report
from bot.cli.run import init, run
from bot.cli.site import site
from bot.cli.status import status

for command in (
    init,
    run,
    actors,
    focal_point,
    secretariat,
    records,
    confirm,
    reject,
    inbox,
    mailbox,
    outbox,
    digest,
    matches,
    call,
    report,
    site,
    backup,
    restore,
    status,
    doctor,
):
    cli.add_command(command)
mailbox.add_command(authorize)  # portal mailbox authorize (OAuth2)


def main() -> None:
    cli.main(prog_name="portal")
