"""Sign-in and sessions: passwords, email codes, Google, access and refresh tokens."""
