"""A fake Telegram Bot API server on loopback, for tests that drive the real python-telegram-bot.

Use it from async tests (`async with FakeTelegram() as telegram:`, on the test's loop) or from
sync tests (`with FakeTelegram() as telegram:`, on its own loop in a background thread). Point a
Bot at it with `Bot(telegram.token, base_url=telegram.base_url)`. It keeps updates the way Telegram
does: getUpdates with `offset` confirms (drops forever) every update whose id is lower.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token"
READS = frozenset({"getme", "getupdates", "getmycommands"})
STRING_PARAMS = frozenset(
    {"text", "callback_query_id", "language_code", "parse_mode", "url", "inline_message_id"}
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    502: "Bad Gateway",
}
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
JSON = dict[str, Any]


@dataclass
class Call:
    """One request the fake answered: the method as sent, its decoded parameters, our status."""

    method: str
    params: JSON
    status: int = 200


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def response(self) -> web.Response:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.code)


class FakeTelegram:
    def __init__(self, token: str = TOKEN, username: str = "portal_test_bot") -> None:
        self.token = token
        self.me: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Cooperation Portal",
            "username": username,
        }
        self.calls: list[Call] = []
        self.deliveries: list[list[int]] = []  # the update ids each getUpdates answered
        self.commands: dict[str, list[JSON]] = {}  # setMyCommands, by language code ("" default)
        self.webhook_url = ""
        self.confirmed_offset: int | None = None
        self.port = 0
        self._pending: list[JSON] = []  # updates not confirmed yet, in order
        self._messages: dict[tuple[int, int], JSON] = {}  # the bot's messages by (chat, id)
        self._chats: dict[int, JSON] = {}
        self._open_queries: set[str] = set()
        self._failures: dict[str, list[ApiError]] = {}
        self._delays: dict[str, list[float]] = {}
        self._last_update_id = 0
        self._last_message_id = 0
        self._last_query_id = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arrived = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._stop_thread: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        """PORTAL_TELEGRAM_API for this fake: the Bot API base URL, the token appended by PTB."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- running it -----------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing.set()  # long polls and slow answers return now
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def __enter__(self) -> FakeTelegram:
        ready = threading.Event()
        errors: list[BaseException] = []

        async def serve() -> None:
            self._stop_thread = asyncio.Event()
            await self.start()
            ready.set()
            await self._stop_thread.wait()
            await self.stop()

        def run() -> None:
            try:
                asyncio.run(serve())
            except BaseException as exc:  # reported by __enter__
                errors.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors or not self.port:
            raise RuntimeError(f"the fake Bot API did not start: {errors!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop_thread is not None:
            self._loop.call_soon_threadsafe(self._stop_thread.set)
        if self._thread is not None:
            self._thread.join(10)

    # ---- what tests push ----------------------------------------------------------------------
    def push_message(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        username: str | None = None,
        update_id: int | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """A person writes to the bot in a private chat (or `chat_id`); returns the update."""
        message = self._incoming(user_id, text, chat_id, username, language_code)
        return self._push({"message": message}, update_id)

    def push_edited_message(
        self, user_id: int, message_id: int, text: str, chat_id: int | None = None
    ) -> JSON:
        message = self._incoming(user_id, text, chat_id, None, None)
        message.update(message_id=message_id, edit_date=int(time.time()))
        return self._push({"edited_message": message}, None)

    def push_callback(
        self, user_id: int, data: str, message_id: int, chat_id: int | None = None
    ) -> JSON:
        """A person presses an inline button under the bot's message `message_id`."""
        chat = chat_id if chat_id is not None else user_id
        with self._lock:
            message = self._messages.get((chat, message_id)) or self._message(
                chat, message_id, "", self.me
            )
            self._last_query_id += 1
            query_id = f"{self._last_query_id}{message_id:04d}{user_id}"
            self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, None, None),
            "message": dict(message),
            "chat_instance": f"ci-{chat}",
            "data": data,
        }
        return self._push({"callback_query": query}, None)

    def push_channel_post(self, chat_id: int, text: str, title: str = "Channel") -> JSON:
        """A post in a channel the bot administers: it has no sender user."""
        chat = {"id": chat_id, "type": "channel", "title": title}
        post = {"message_id": self._next_message_id(), "sender_chat": chat, "chat": chat}
        post.update(date=int(time.time()), text=text)
        return self._push({"channel_post": post}, None)

    # ---- what tests look at ---------------------------------------------------------------------
    @property
    def sent(self) -> list[Call]:
        """Every call but the reads (getMe, getUpdates, getMyCommands), failed ones included."""
        return [call for call in self.calls if call.method.lower() not in READS]

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def messages_to(self, chat_id: int) -> list[JSON]:
        """The bot's messages in a chat as they are now (edits applied), oldest first."""
        with self._lock:
            found = [m for (chat, _), m in self._messages.items() if chat == chat_id]
        return sorted(found, key=lambda m: int(m["message_id"]))

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(m["text"]) for m in self.messages_to(chat_id)]

    # ---- simulated trouble -----------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail (429 carries retry_after, 1 s by default)."""
        parameters: JSON | None = None
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if retry_after is not None:
            parameters = {"retry_after": retry_after}
        text = description or DEFAULT_DESCRIPTIONS.get(error_code, "Internal Server Error")
        with self._lock:
            queue = self._failures.setdefault(method.lower(), [])
            queue.extend(ApiError(error_code, text, parameters) for _ in range(times))

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` take effect at once but are answered late."""
        with self._lock:
            self._delays.setdefault(method.lower(), []).extend([seconds] * times)

    # ---- the HTTP side -------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _read_params(request)
        if request.match_info["token"] != self.token:
            return self._answer(method, params, ApiError(401, "Unauthorized"))
        with self._lock:
            failure = _take(self._failures, method.lower())
            delay = _take(self._delays, method.lower())
        if failure is not None:
            return self._answer(method, params, failure)
        try:
            if method.lower() == "getupdates":
                result: Any = await self._get_updates(params)
            else:
                with self._lock:
                    result = self._apply(method.lower(), params)
        except ApiError as error:
            return self._answer(method, params, error)
        response = self._answer(method, params, result)
        if delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), delay)
        return response

    def _answer(self, method: str, params: JSON, result: Any) -> web.Response:
        status = result.code if isinstance(result, ApiError) else 200
        with self._lock:
            self.calls.append(Call(method, params, status))
        if isinstance(result, ApiError):
            return result.response()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset, timeout = params.get("offset"), float(params.get("timeout") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with self._lock:
            if isinstance(offset, int) and offset > 0:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
                self.confirmed_offset = max(self.confirmed_offset or 0, offset)
            elif isinstance(offset, int) and offset < 0:
                self._pending = self._pending[offset:]
        while True:
            self._arrived.clear()
            with self._lock:
                batch = [dict(update) for update in self._pending[:limit]]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        with self._lock:
            self.deliveries.append([update["update_id"] for update in batch])
        return batch

    def _apply(self, method: str, params: JSON) -> Any:
        if method == "getme":
            return self.me
        if method == "sendmessage":
            text = str(params.get("text") or "")
            if not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            if len(text.encode("utf-16-le")) // 2 > 4096:
                raise ApiError(400, "Bad Request: message is too long")
            chat_id = _chat_id(params.get("chat_id"))
            message = self._message(chat_id, self._next_message_id(), text, self.me)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[(chat_id, message["message_id"])] = message
            return dict(message)
        if method == "editmessagetext":
            key = (_chat_id(params.get("chat_id")), int(params.get("message_id") or 0))
            edited = self._messages.get(key)
            if edited is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = params.get("reply_markup")
            if edited.get("text") == params.get("text") and edited.get("reply_markup") == markup:
                raise ApiError(400, "Bad Request: message is not modified")
            edited.update(text=str(params.get("text")), edit_date=int(time.time()))
            edited.pop("reply_markup", None)
            if markup:
                edited["reply_markup"] = markup
            return dict(edited)
        if method == "answercallbackquery":
            if params.get("callback_query_id") not in self._open_queries:
                raise ApiError(400, "Bad Request: query is too old and response timeout expired")
            if len(str(params.get("text") or "")) > 200:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            self._open_queries.discard(params["callback_query_id"])
            return True
        if method == "setmycommands":
            commands = list(params.get("commands") or [])
            for command in commands:
                if not COMMAND.match(command.get("command", "")):
                    raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                if not 1 <= len(command.get("description", "")) <= 256:
                    raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            self.commands[str(params.get("language_code") or "")] = commands
            return True
        if method == "getmycommands":
            return self.commands.get(str(params.get("language_code") or ""), [])
        if method in ("deletewebhook", "setwebhook"):
            self.webhook_url = str(params.get("url") or "")
            return True
        raise ApiError(400, f"Bad Request: method {method} is not supported by this fake")

    # ---- building updates -----------------------------------------------------------------------
    def _push(self, content: JSON, update_id: int | None) -> JSON:
        with self._lock:
            if update_id is None:
                update_id = self._last_update_id + 1
            self._last_update_id = max(self._last_update_id, update_id)
            update = {"update_id": update_id, **content}
            self._pending.append(update)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._arrived.set)
        return update

    def _incoming(
        self,
        user_id: int,
        text: str,
        chat_id: int | None,
        username: str | None,
        language_code: str | None,
    ) -> JSON:
        user = self._user(user_id, username, language_code)
        chat = chat_id if chat_id is not None else user_id
        with self._lock:
            if chat == user_id:
                self._chats[chat] = {
                    "id": chat,
                    "type": "private",
                    "first_name": user["first_name"],
                }
                if username:
                    self._chats[chat]["username"] = username
            message = self._message(chat, self._next_message_id(), text, user)
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return message

    def _user(self, user_id: int, username: str | None, language_code: str | None) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _message(self, chat_id: int, message_id: int, text: str, sender: JSON) -> JSON:
        chat = self._chats.get(chat_id) or (
            {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            if chat_id > 0
            else {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
        )
        message = {"message_id": message_id, "from": dict(sender), "date": int(time.time())}
        message["chat"] = dict(chat)
        if text:
            message["text"] = text
        return message

    def _next_message_id(self) -> int:
        self._last_message_id += 1
        return self._last_message_id


def _chat_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None


def _take(queues: dict[str, list[Any]], method: str) -> Any:
    queue = queues.get(method)
    return queue.pop(0) if queue else None


async def _read_params(request: web.Request) -> JSON:
    """Parameters as PTB sends them: a form whose non-string values are JSON, or a JSON body."""
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    raw = {**request.query, **(await request.post())}
    params: JSON = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            continue  # an uploaded file: no method of this fake takes one
        if name in STRING_PARAMS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params
