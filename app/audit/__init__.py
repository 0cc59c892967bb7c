"""The audit log: every write a staff member makes through a staff route, append-only."""
