"""The intake baseline: an aiosmtpd server whose handler only answers 250, nothing kept.

python -m bench.bare_smtp PORT
"""

from __future__ import annotations

import asyncio
import sys

from aiosmtpd.smtp import SMTP, Envelope, Session


class Accept:
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "250 2.0.0 Message accepted"


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            Accept(),
            data_size_limit=10 * 1024 * 1024,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname="portal.test",
        ),  # fmt: skip
        host="127.0.0.1",
        port=port,
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
