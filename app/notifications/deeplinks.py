"""Where a notification may send a family: into the app, or to an address the service chose.

An announcement's link is written by an editor and opened on a parent's phone from a
notification that carries the service's name, so it is where a phishing link would do most
harm. It is one of:

- the app's own scheme, `wonderspaced://...` (what every notification the server makes uses);
- a deep link under `APP_LINK_BASE` (same scheme, host and port, a path at or below its
  path): the address the installed apps open (Android App Links, iOS universal links);
- an `https` address whose host is on `ANNOUNCEMENT_LINK_HOSTS` (exactly, no port).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

APP_SCHEME = "wonderspaced"


@dataclass(frozen=True)
class LinkRules:
    app_link_base: str
    hosts: frozenset[str]

    @classmethod
    def of(cls, app_link_base: str, hosts: Iterable[str]) -> LinkRules:
        return cls(app_link_base, frozenset(_host(h) for h in hosts if h.strip()))

    def allows(self, link: str) -> bool:
        # Whitespace, control characters and backslashes are read differently by browsers
        # and by urlsplit (`\` is a `/` to a browser): refused rather than interpreted.
        if not link.isprintable() or any(c.isspace() or c == "\\" for c in link):
            return False
        try:
            parts = urlsplit(link)
            port = parts.port
        except ValueError:
            return False
        scheme = parts.scheme.lower()
        if parts.username is not None or parts.password is not None:
            return False
        if scheme == APP_SCHEME:
            return bool(parts.netloc) and port is None
        host = _host(parts.hostname or "")
        if not host:
            return False
        base = urlsplit(self.app_link_base)
        if (scheme, host, port) == (base.scheme.lower(), _host(base.hostname or ""), base.port):
            root = base.path.rstrip("/")
            return parts.path == root or parts.path.startswith(root + "/")
        return scheme == "https" and port is None and host in self.hosts


def _host(host: str) -> str:
    return host.strip().lower().rstrip(".")
