"""One data path per module: every statement lives in its module's queries.py.

The AST of every file of app/ is read, except where statements belong (a module's
`queries.py` or `queries/` package, the database's own plumbing in app/core/db.py and
app/core/embedded_pg.py, tables in models.py, and the demo seeds, rewritten separately), and
refused when it runs a statement (`.execute(`, `.scalar(`, `.fetch(`... on anything), builds
one (`select`, `insert`, `update`, `delete`, `text` of SQLAlchemy or SQLModel), or holds one
as SQL text. A file that needs a statement asks its module's queries for it by name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

MESSAGE = "statements live in the module's queries.py (DESIGN.md section 2)"

# Moving its statements to app/notifications/queries.py is under way; remove it from here
# with that change, so the check covers it again.
BEING_MOVED: set[str] = set()

# Running a statement, whatever it is called on (a session, a connection, a Core connection).
RUNNERS = frozenset(
    {"execute", "scalar", "scalars", "fetch", "fetchrow", "fetchval", "executemany"}
)
# asyncpg's COPY (`copy_records_to_table`, `copy_from_query`, ...); not a storage client's
# `copy_blob` or `copy_object`, which copy files.
COPIES = ("copy_from_", "copy_to_", "copy_records_to_")
# Building one, from any of the modules that build statements.
BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})
STATEMENT_MODULES = frozenset(
    {
        "sqlalchemy",
        "sqlalchemy.sql",
        "sqlalchemy.sql.expression",
        "sqlalchemy.future",
        "sqlmodel",
        "sqlalchemy.dialects.postgresql",
    }
)
# SQL text: what a statement starts with (upper case, as SQL is written here).
SQL_TEXT = re.compile(
    r"\s*(SELECT\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b"
    r"|WITH\s+(RECURSIVE\s+)?\S+\s+AS\b)"
)


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {MESSAGE}"


def exempt(relative: str) -> bool:
    """Where statements belong, or files this check leaves to other work (seeds)."""
    parts = relative.split("/")
    name = parts[-1]
    return (
        name in ("queries.py", "models.py")
        or "queries" in parts[:-1]
        or relative in ("app/core/db.py", "app/core/embedded_pg.py", "app/seed.py")
        or (len(parts) == 3 and name == "seed.py")
    )


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Violation] = []
        # Local name -> the dotted name it stands for (`sa` -> `sqlalchemy`, `select` ->
        # `sqlalchemy.select`), from the file's imports wherever they are.
        self.aliases: dict[str, str] = {}

    def _add(self, node: ast.AST, what: str) -> None:
        self.found.append(Violation(self.path, getattr(node, "lineno", 0), what))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:  # `import sqlalchemy.sql` binds `sqlalchemy`
                top = alias.name.split(".")[0]
                self.aliases[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            for alias in node.names:
                self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _dotted(self, node: ast.expr) -> str | None:
        """`sa.dialects.postgresql.insert` as `sqlalchemy.dialects.postgresql.insert`."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and (
            func.attr in RUNNERS or func.attr.startswith(COPIES)
        ):
            self._add(node, f"runs a statement (.{func.attr}())")
        dotted = self._dotted(func)
        if dotted is not None:
            module, _, name = dotted.rpartition(".")
            if name in BUILDERS and module in STATEMENT_MODULES:
                self._add(node, f"builds a statement ({dotted}())")
        self.generic_visit(node)

    def _check_text(self, node: ast.expr, text: str) -> None:
        if SQL_TEXT.match(text):
            first = text.strip().splitlines()[0][:40]
            self._add(node, f"holds SQL text ({first!r})")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._check_text(node, node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        head = node.values[0] if node.values else None
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            self._check_text(node, head.value)
        for value in node.values:  # the expressions inside; its text pieces are checked above
            if isinstance(value, ast.FormattedValue):
                self.visit(value)


def violations(source: str, path: str = "<sample>") -> list[Violation]:
    checker = _Checker(path)
    checker.visit(ast.parse(source, filename=path))
    return checker.found


def checked_files() -> Iterator[str]:
    for file in sorted(APP.rglob("*.py")):
        relative = file.relative_to(ROOT).as_posix()
        if not exempt(relative):
            yield relative


def test_statements_live_in_queries_modules() -> None:
    found = [
        violation
        for relative in checked_files()
        if relative not in BEING_MOVED
        for violation in violations((ROOT / relative).read_text(), relative)
    ]
    assert not found, "\n".join(str(v) for v in found)


def test_files_being_moved_still_exist_and_still_need_the_exception() -> None:
    """An entry of BEING_MOVED is dropped as soon as its file is clean (or gone)."""
    for relative in BEING_MOVED:
        path = ROOT / relative
        assert path.exists(), f"{relative} is gone: drop it from BEING_MOVED"
        assert violations(path.read_text(), relative), f"{relative} is clean: drop it"


# --- the checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("async def f(s):\n    await s.execute(q)\n", ".execute()"),
        ("async def f(s):\n    await s.scalar(q)\n", ".scalar()"),
        ("async def f(s):\n    await s.scalars(q)\n", ".scalars()"),
        ("async def f(c):\n    await c.fetch(q)\n", ".fetch()"),
        ("async def f(c):\n    await c.fetchrow(q, 1)\n", ".fetchrow()"),
        ("async def f(c):\n    await c.fetchval(q)\n", ".fetchval()"),
        ("async def f(c):\n    await c.executemany(q, rows)\n", ".executemany()"),
        ("async def f(c):\n    await c.copy_records_to_table('t', records=r)\n", ".copy_"),
        ("async def f(c):\n    await c.copy_from_query(q, output=o)\n", ".copy_"),
        ("async def f(c):\n    await c.copy_to_table('t', source=s)\n", ".copy_"),
        ("async def f(w):\n    await (await w.connection()).fetch(q)\n", ".fetch()"),
        ("import sqlalchemy as sa\nq = sa.select(t.c.id)\n", "sqlalchemy.select()"),
        ("import sqlalchemy\nq = sqlalchemy.insert(t)\n", "sqlalchemy.insert()"),
        ("import sqlalchemy as sa\nq = sa.update(t)\n", "sqlalchemy.update()"),
        ("import sqlalchemy as sa\nq = sa.delete(t)\n", "sqlalchemy.delete()"),
        ("import sqlalchemy as sa\nq = sa.text('x')\n", "sqlalchemy.text()"),
        ("from sqlalchemy import select\nq = select(t)\n", "sqlalchemy.select()"),
        ("from sqlalchemy import text as raw\nq = raw('x')\n", "sqlalchemy.text()"),
        ("from sqlmodel import select\nq = select(Model)\n", "sqlmodel.select()"),
        (
            "from sqlalchemy.dialects.postgresql import insert\nq = insert(t)\n",
            "sqlalchemy.dialects.postgresql.insert()",
        ),
        (
            "from sqlalchemy.dialects import postgresql as pg\nq = pg.insert(t)\n",
            "sqlalchemy.dialects.postgresql.insert()",
        ),
        ("def f():\n    from sqlalchemy import delete\n    return delete(t)\n", "delete()"),
        ("Q = 'SELECT 1'\n", "SQL text"),
        ("Q = '''\n    SELECT id FROM t'''\n", "SQL text"),
        ("Q = 'INSERT INTO t (a) VALUES ($1)'\n", "SQL text"),
        ("Q = 'UPDATE account SET name = $1'\n", "SQL text"),
        ("Q = 'DELETE FROM t WHERE id = $1'\n", "SQL text"),
        ("Q = 'WITH x AS (SELECT 1) SELECT * FROM x'\n", "SQL text"),
        ("Q = f'SELECT {columns} FROM t'\n", "SQL text"),
        ("Q = ('SELECT a ' 'FROM t')\n", "SQL text"),
        ("Q = f\"{'SELECT 1'}\"\n", "SQL text"),
    ],
)
def test_the_checker_finds_each_kind_of_statement(source: str, what: str) -> None:
    found = violations(source, "app/x/service.py")
    assert len(found) == 1, found
    assert what in found[0].what
    assert str(found[0]).startswith(f"app/x/service.py:{found[0].line}: ")
    assert str(found[0]).endswith(MESSAGE)


@pytest.mark.parametrize(
    "source",
    [
        "from app.x import queries\nasync def f(s):\n    return await queries.rows(s, 1)\n",
        "import sqlalchemy as sa\nq = sa.func.now()\nc = sa.and_(a, b)\n",
        "from app.x.queries import select_rows\nselect_rows(s)\n",  # a queries function
        "def select(x):\n    return x\nselect(1)\n",  # not SQLAlchemy's
        "d = {}.copy()\nm = model.model_copy()\n",
        "bucket.copy_blob(blob, bucket, key)\nclient.copy_object(Bucket=b, Key=k)\n",
        "'''Select the rows; update the set; the user selects.'''\n",
        "msg = 'Select a theme'\nother = 'select * from t'\n",  # not SQL as written here
        "session.add(row)\nawait session.flush()\nawait session.get(M, 1)\n",
    ],
)
def test_the_checker_lets_plain_code_be(source: str) -> None:
    assert violations(source, "app/x/service.py") == []


@pytest.mark.parametrize(
    ("path", "is_exempt"),
    [
        ("app/catalog/queries.py", True),
        ("app/catalog/queries/lists.py", True),
        ("app/catalog/queries/__init__.py", True),
        ("app/catalog/models.py", True),
        ("app/core/db.py", True),
        ("app/core/embedded_pg.py", True),
        ("app/seed.py", True),
        ("app/catalog/seed.py", True),
        ("app/catalog/service.py", False),
        ("app/catalog/lookups.py", False),
        ("app/core/cache.py", False),
        ("app/jobs/seed/runner.py", False),
    ],
)
def test_what_the_check_leaves_out(path: str, is_exempt: bool) -> None:
    assert exempt(path) is is_exempt
