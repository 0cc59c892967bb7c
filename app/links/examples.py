"""Examples of the share links' operations."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_VIDEO

# A code of the links' shape (CODE_PATTERN); the demo shares no link, so it is none.
DISABLE_IN: dict[str, Any] = {"code": "k7qm2xpa"}
SHARE_IN: dict[str, Any] = {"kind": "video", "item_id": str(DEMO_VIDEO)}

# Answers, as the demo gives them.
CREATE_SHARE_LINK_OUT: dict[str, Any] = {
    "code": "kqr6p3tf",
    "url": "http://localhost:8080/r/kqr6p3tf",
}
# What a link-preview crawler reads at /r/{code} (a browser is sent on to the app instead).
FOLLOW_SHARE_LINK_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>How Anansi Got the Stories · Wonderspaced</title>
<meta name="description" content="Anansi the spider wins the Sky God's stories.">
<meta property="og:type" content="website">
<meta property="og:site_name" content="Wonderspaced">
<meta property="og:title" content="How Anansi Got the Stories">
<meta property="og:description" content="Anansi the spider wins the Sky God's stories.">
<meta property="og:url" content="http://localhost:8080/r/kqr6p3tf">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="How Anansi Got the Stories">
<meta name="twitter:description" content="Anansi the spider wins the Sky God's stories.">
</head>
<body>
<h1>How Anansi Got the Stories</h1>
<p>Anansi the spider wins the Sky God's stories.</p>
<p><a href="https://wonderspaced.app/open/video/{DEMO_VIDEO}">Open in Wonderspaced</a></p>
</body>
</html>
"""
