"""Bringing people back: presence of live connections, the mail outbox and its worker."""
