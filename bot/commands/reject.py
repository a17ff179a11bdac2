"""REJECT id reason: the secretariat refuses a pending record, telling the focal point why."""

from bot.commands.base import ID_AND_TEXT, Command
from bot.context import Context
from bot.records.ownership import RECORD_ID, named_or_replied_to
from bot.records.review import reject


def run(ctx: Context, args: str) -> str:
    found = RECORD_ID.match(args.strip())
    public_id = found.group(0).upper() if found else named_or_replied_to(ctx, "")[1]
    reason = args.strip()[found.end() :].strip(" :-–") if found else args.strip()
    if public_id and not reason:  # "REJECT id" as the subject, the reason in the body
        reason = _first_paragraph(ctx.inbound.text, skip=public_id)
    if not public_id or not reason:
        ctx.reply("review_usage", verb="reject")
        return "reject without record id or reason"
    result = reject(ctx, public_id, reason)
    ctx.reply("review_result", verb="rejected", results=[result])
    return f"reject: {result.public_id} {result.outcome}"


def _first_paragraph(text: str, skip: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    if lines and skip.upper() in lines[0].upper():
        lines = lines[1:]
    paragraph = "\n".join(lines).strip().split("\n\n")[0]
    return " ".join(paragraph.split())


COMMAND = Command("REJECT", run, takes=ID_AND_TEXT)
