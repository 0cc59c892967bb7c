"""Accounts: the grown-ups (parents, teachers, editors, admins) who hold the keys."""
