"""CONTACT id: anyone writes to the owners of a published record, without seeing an address."""

from bot.commands.base import ID, Command
from bot.context import ERROR_REPLY_INTERVAL, Context
from bot.records.ownership import no_such_record, record_id_in
from bot.records.views import RecordView
from store.outbox import error_reply_sent_since
from store.people import focal_points
from store.records import PUBLISHED, by_public_id


def run(ctx: Context, args: str) -> str:
    public_id = record_id_in(args) or ""
    record = by_public_id(ctx.session, public_id) if public_id else None
    if record is None or record.status != PUBLISHED:
        return no_such_record(ctx, public_id)
    message = ctx.inbound.text.strip()
    first, _, rest = message.partition("\n")
    if record_id_in(first) == record.public_id and first.split()[0].upper() in COMMAND.words:
        message = rest.strip()  # the command line itself is not part of the message
    key = f"contact:{record.public_id}"
    if error_reply_sent_since(
        ctx.session, ctx.inbound.answer_to, key, ctx.now - ERROR_REPLY_INTERVAL
    ):
        return f"contact {record.public_id}: already forwarded today"
    for person in focal_points(ctx.session, record.actor):
        ctx.notify(
            person,
            "contact_request",
            by_email=True,
            sender=ctx.inbound.sender,
            message=message,
            view=RecordView.of_record(record, person.mail_language),
        )
    ctx.reply("contact_sent", error_key=key, view=RecordView.of_record(record, ctx.language))
    return f"contact {record.public_id}: forwarded"


COMMAND = Command("CONTACT", run, takes=ID, reads_text=True)
