"""Real local peers for the tests: a TCP proxy that can cut a dependency, an SMTP server,
a Google-style certificate endpoint with test keys."""
