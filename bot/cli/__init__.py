"""The `portal` command line: the secretariat's and the operator's tool."""

from __future__ import annotations

from bot.cli.base import cli

# Every command, imported only when it runs (issue 19: `portal --help` imports none of them):
# name -> ("module:attribute", its short help, as its docstring's first sentence says).
COMMANDS: dict[str, tuple[str, str]] = {
    "actors": ("bot.cli.actors:actors", "States and organisations that may own records."),
    "backup": (
        "bot.cli.backup:backup",
        "Write one archive with a consistent copy of the database, the secret key and the "
        "settings file.",
    ),
    "call": ("bot.cli.calls:call", "Calls for information: the mails focal points answer."),
    "confirm": (
        "bot.cli.records:confirm",
        "Publish the pending records (or pending changes) RECORD_IDS; their owners are told.",
    ),
    "digest": ("bot.cli.digests:digest", "The weekly digests."),
    "doctor": (
        "bot.cli.doctor:doctor",
        "Check settings, relay, database, folders, secret key and backups; exits 1 when "
        "anything needs doing.",
    ),
    "focal-point": (
        "bot.cli.people:focal_point",
        "Focal points: the people who speak for an actor.",
    ),
    "inbox": ("bot.cli.inbox:inbox", "Messages received, and their processing."),
    "init": ("bot.cli.run:init", "Create or migrate the database and load the reference actors."),
    "mailbox": ("bot.cli.mailbox:mailbox", "The mailbox read over IMAP (PORTAL_IMAP_URL)."),
    "matches": ("bot.cli.digests:matches", "Matches between needs and offers."),
    "outbox": ("bot.cli.outbox:outbox", "Mail and messages going out, and their delivery."),
    "records": ("bot.cli.records:records", "Needs and offers."),
    "reject": (
        "bot.cli.records:reject",
        "Refuse the pending record (or pending change) RECORD_ID; its owners are told why.",
    ),
    "report": (
        "bot.cli.report:report",
        "Needs, offers, matches and closures of a year, each counted in the year it happened.",
    ),
    "restore": (
        "bot.cli.backup:restore",
        "Put a backup back on an empty PORTAL_HOME (and an empty database); refuses to "
        "overwrite anything.",
    ),
    "run": (
        "bot.cli.run:run",
        "Start the portal: SMTP, Telegram (if configured), processors, delivery, scheduler, "
        "each in its own process, until Ctrl-C or SIGTERM.",
    ),
    "secretariat": (
        "bot.cli.people:secretariat",
        "Members of the secretariat, who confirm and reject records.",
    ),
    "site": (
        "bot.cli.site:site",
        "The public static site: published records only, no personal data.",
    ),
    "status": (
        "bot.cli.status:status",
        "Show how the portal is doing; exits 1 when something is stuck (as /healthz's 503).",
    ),
}

cli.lazy.update(COMMANDS)


def main() -> None:
    cli.main(prog_name="portal")
