"""Share links: short codes that open an item in the app, with link previews."""
