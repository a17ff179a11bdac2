"""The HTTP side: one-click unsubscribe (RFC 8058) for the links in every digest; /healthz and
/metrics for whoever watches the portal."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.render import render_text

log = logging.getLogger(__name__)

# Unsubscribe(token) -> the address unsubscribed, or None when the token is not valid.
Unsubscribe = Callable[[str], str | None]
# Health() -> (healthy, the facts as JSON); Metrics() -> the Prometheus text page.
Health = Callable[[], tuple[bool, dict[str, Any]]]
Metrics = Callable[[], bytes]
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def application(unsubscribe: Unsubscribe, bot_name: str) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        """A GET only shows a button: link checkers and previews must not unsubscribe."""
        return _html(
            "unsubscribe_page", state="ask", bot_name=bot_name, token=request.match_info["token"]
        )

    async def one_click(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        address = await asyncio.to_thread(unsubscribe, token)
        if address is None:
            return _html(
                "unsubscribe_page", state="invalid", bot_name=bot_name, token="", status=400
            )
        log.info("one-click unsubscribe done")
        return _html("unsubscribe_page", state="done", bot_name=bot_name, token="")

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_get("/unsubscribe/{token}", page)
    app.router.add_post("/unsubscribe/{token}", one_click)
    return app


def add_watch_routes(app: web.Application, health: Health, metrics: Metrics) -> None:
    """GET /healthz: 200 when healthy, else 503, with the facts as JSON; GET /metrics."""

    async def healthz(request: web.Request) -> web.Response:
        healthy, facts = await asyncio.to_thread(health)
        return web.json_response(facts, status=200 if healthy else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        body = await asyncio.to_thread(metrics)
        return web.Response(body=body, headers={"Content-Type": METRICS_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)


def _html(name: str, status: int = 200, **context: object) -> web.Response:
    body = render_text(f"{name}.html.j2", "en", **context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


async def start_server(
    app: web.Application, host: str, port: int, sock: socket.socket | None = None
) -> web.AppRunner:
    """Serve on host:port, or on `sock`, a listening socket handed down by the supervisor."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    await site.start()
    return runner
