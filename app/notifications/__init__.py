"""Notifications: inbox, live stream, push, follows, reminders and parents' preferences."""
