"""`portal mailbox authorize`: the operator lets the portal use its mailbox through OAuth2.

The command joins the `mailbox` group in bot/cli/mailbox.py."""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
import time
import webbrowser
from typing import IO, Any

import click

from bot.channels.email.credentials import (
    OAuth2Login,
    mailbox_login,
    try_imap,
    user_and_mechanism,
)
from bot.channels.email.oauth2 import Provider, provider_for
from bot.channels.email.oauth2_authorize import (
    CodeRequest,
    LoopbackListener,
    finish_device_flow,
    start_device_flow,
    store_tokens,
)
from bot.channels.email.oauth2_tokens import token_path
from bot.channels.email.sending import RelaySender
from bot.config import Settings
from bot.errors import PortalError, UserError


@click.command("authorize")
@click.option(
    "--user", default="", help="The mailbox address (default: the user of PORTAL_IMAP_URL)."
)
@click.option(
    "--device",
    is_flag=True,
    help="Microsoft: sign in on any other device with a code (a server without a browser).",
)
@click.option("--port", default=0, help="Loopback port the browser returns to (default: any free).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser on this machine.")
@click.option(
    "--timeout", default=900.0, show_default=True, help="Seconds to wait for the sign-in."
)
@click.pass_context
def authorize(
    ctx: click.Context, user: str, device: bool, port: int, no_browser: bool, timeout: float
) -> None:
    """Sign in to the mailbox at its provider, store the tokens (PORTAL_HOME/oauth2.json, for
    you only), then try the mailbox (IMAP) and the relay (SMTP) with them.

    Needs PORTAL_MAIL_PROVIDER (google or microsoft) and PORTAL_OAUTH2_CLIENT_ID (and, for
    Google, PORTAL_OAUTH2_CLIENT_SECRET). Run it again whenever the portal says its
    authorisation was withdrawn."""
    settings: Settings = ctx.find_root().obj
    try:
        _authorize(settings, user, device, port, not no_browser, timeout)
    except PortalError as exc:
        raise click.ClickException(str(exc)) from exc


def _authorize(
    settings: Settings, user: str, device: bool, port: int, open_browser: bool, timeout: float
) -> None:
    provider = provider_for(settings)
    user = user or _mailbox_user(settings) or click.prompt("Mailbox address").strip()
    click.echo(f"Authorising the portal to use {user} at {provider.name.title()}.")
    if device:
        answer = _device_flow(provider)
    else:
        answer = _browser_flow(provider, user, port, open_browser, timeout)
    path = token_path(settings)
    store_tokens(path, provider, user, answer, time.time())
    click.echo(f"Tokens stored in {path} (readable by you only).")
    if not _try_servers(settings):
        raise click.ClickException("the tokens are stored, but a server refused them (above)")


def _mailbox_user(settings: Settings) -> str:
    for url in (settings.imap_url, settings.relay):
        user = user_and_mechanism(url)[0] if url else ""
        if user:
            return user
    return ""


def _browser_flow(
    provider: Provider, user: str, port: int, open_browser: bool, timeout: float
) -> dict[str, Any]:
    answers: queue.Queue[tuple[str, str]] = queue.Queue()
    with LoopbackListener(answers, port) as listener:
        request = CodeRequest(provider, listener.redirect_uri(provider), user)
        click.echo("")
        click.echo("1. Open this address in a browser and sign in as the mailbox's user:")
        click.echo("")
        click.echo(f"   {request.url}")
        click.echo("")
        click.echo(
            f"2. If the browser is on this machine, it comes back to {request.redirect_uri} "
            "and this command goes on by itself."
        )
        click.echo(
            "   If it is on another machine, it ends on an address that does not open "
            f"({request.redirect_uri}/?code=…): copy that whole address and paste it here."
        )
        if open_browser:
            webbrowser.open(request.url)
        click.echo("Address (or code): ", nl=False)
        _read_pasted(sys.stdin, answers)
        try:
            source, answer = answers.get(timeout=timeout)
        except queue.Empty:
            raise UserError(
                f"no answer within {timeout:.0f} seconds: run the command again"
            ) from None
    click.echo("")
    click.echo(f"Received the answer from the {source}; asking {provider.name.title()} for tokens.")
    return request.exchange(request.code_from(answer))


def _read_pasted(stdin: IO[str], answers: queue.Queue[tuple[str, str]]) -> None:
    """Lines typed at the prompt go to `answers` too (a thread: the browser may answer first)."""

    def read() -> None:
        for line in stdin:
            if line.strip():
                answers.put(("terminal", line))
                return

    threading.Thread(target=read, daemon=True).start()


def _device_flow(provider: Provider) -> dict[str, Any]:
    device = start_device_flow(provider)
    click.echo("")
    where, code = device.get("verification_uri"), device.get("user_code")
    click.echo(str(device.get("message") or f"Open {where} and enter the code {code}."))
    click.echo("Waiting for the sign-in…")
    return finish_device_flow(provider, device)


def _try_servers(settings: Settings) -> bool:
    """Log in to the mailbox and to the relay, as configured; whether every try worked."""
    worked = True
    if not settings.imap_url:
        click.echo("PORTAL_IMAP_URL is not set: the mailbox was not tried.")
    else:
        try:
            login = mailbox_login(settings)
            try_imap(settings.imap_url, login)
            how = "OAuth2" if isinstance(login, OAuth2Login) else "its password"
            click.echo(f"Mailbox (IMAP): logged in as {login.user} with {how}. It works.")
        except Exception as exc:  # any refusal, said in one line
            click.echo(f"Mailbox (IMAP): the login failed: {exc}")
            worked = False
    if not settings.relay:
        click.echo("PORTAL_RELAY is not set: outgoing mail stays in the maildir; not tried.")
        return worked
    try:
        relay = RelaySender.for_settings(settings)
        asyncio.run(relay.try_login())
        how = "logged in" if relay.login is not None else "sent mail without logging in"
        click.echo(f"Relay (SMTP): connected to {relay.host}:{relay.port}, {how}. It works.")
    except Exception as exc:  # any refusal, said in one line
        click.echo(f"Relay (SMTP): the login failed: {exc}")
        worked = False
    return worked
