"""Telegram: polling and webhook, reading, chats and forms, menus, sending."""
