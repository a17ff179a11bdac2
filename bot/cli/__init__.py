"""The `portal` command line: the secretariat's and the operator's tool."""

from __future__ import annotations

from bot.cli.actors import actors
from bot.cli.base import cli
from bot.cli.calls import call
from bot.cli.digests import digest, matches
from bot.cli.inbox import inbox
from bot.cli.outbox import outbox
from bot.cli.people import focal_point, secretariat
from bot.cli.records import confirm, records, reject
from bot.cli.report import report
from bot.cli.run import init, run
from bot.cli.site import site

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
    outbox,
    digest,
    matches,
    call,
    report,
    site,
):
    cli.add_command(command)


def main() -> None:
    cli.main(prog_name="portal")
