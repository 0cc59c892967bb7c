"""Where a problem document's `code` can come from, followed through the AST of app/: the
check behind tests/test_openapi_contract.py that every code the server can send is in
app/core/error_codes.py, however the code is passed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

Context = tuple[str, tuple[ast.AST, ...]]  # a module and the defs around a node, outermost first
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class CodeFlow:
    """Every string that can become a problem document's `code`, found by following each
    value back through the AST of a set of modules, whichever way it is passed.

    A code starts at a sink: the `code` class attribute of an error class (the `base` class
    and its subclasses, e.g. `status, code = 410, "gone"`), an assignment to `self.code` in
    one, or the `code` of a `document(...)` (the Problem model). From there each value is
    followed: a literal is a code; a name to its assignments in its function, module or the
    module it is imported from (a constant, tuple unpacking, a loop over literals); a
    parameter to the arguments of every call of its function, by keyword, by position,
    or from a `**{...}` dict literal (so `flush_unique(..., "already_invited")` and
    `super().__init__("The database", "database_unavailable")` are found), and to its
    default; `d[key]` and `d.get(key, default)` to every value of the dict literal `d`; a
    call to a function of these modules to what it returns; `a if c else b`, `a or b` to
    both. `x.code` is a code read back from an error, found where it was set. Anything else
    cannot be followed and is listed in `unresolved`, so no way of passing a code is missed.
    """

    def __init__(self, sources: dict[str, str], base: str = "AppError", document: str = "Problem"):
        self.trees = {module: ast.parse(text) for module, text in sources.items()}
        self.base, self.document = base, document
        self.found: dict[str, str] = {}
        self.unresolved: list[str] = []
        self._seen: set[tuple[int, int]] = set()
        self._context: dict[int, Context] = {}
        self.calls: list[tuple[ast.Call, Context]] = []
        self.classes: dict[str, list[tuple[ast.ClassDef, Context]]] = {}
        self.functions: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Context]]] = {}
        for module, tree in self.trees.items():
            self._index(tree, (module, ()))
        self.errors = self._subclasses(base)
        self._scan()

    # -- indexing
    def _index(self, node: ast.AST, ctx: Context) -> None:
        for child in ast.iter_child_nodes(node):
            self._context[id(child)] = ctx
            inner = ctx
            if isinstance(child, ast.ClassDef):
                self.classes.setdefault(child.name, []).append((child, ctx))
                inner = (ctx[0], (*ctx[1], child))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(child.name, []).append((child, ctx))
                inner = (ctx[0], (*ctx[1], child))
            elif isinstance(child, ast.Lambda):
                inner = (ctx[0], (*ctx[1], child))
            elif isinstance(child, ast.Call):
                self.calls.append((child, ctx))
            self._index(child, inner)

    def _subclasses(self, root: str) -> set[str]:
        names, grew = {root}, True
        while grew:
            grew = False
            for name, defs in self.classes.items():
                if name not in names and any(
                    _last(b) in names for cls, _ in defs for b in cls.bases
                ):
                    names.add(name)
                    grew = True
        return names

    # -- sinks
    def _scan(self) -> None:
        for name in sorted(self.errors):
            for cls, ctx in self.classes.get(name, []):
                inner = (ctx[0], (*ctx[1], cls))
                for statement in cls.body:
                    for value in _assigned(statement, "code"):
                        self._follow(value, inner)
                for method in cls.body:
                    if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                        where = (ctx[0], (*ctx[1], cls, method))
                        for node in _walk_scope(method):
                            if isinstance(node, ast.Assign):
                                for target in node.targets:
                                    if _is_self_code(target):
                                        self._follow(node.value, where)
        for call, ctx in self.calls:
            if _last(call.func) == self.document:
                for keyword in call.keywords:
                    if keyword.arg == "code":
                        self._follow(keyword.value, ctx)

    # -- following values
    def _where(self, node: ast.AST, ctx: Context) -> str:
        return f"{ctx[0]}:{getattr(node, 'lineno', '?')}"

    def _fail(self, node: ast.AST, ctx: Context) -> None:
        line = f"{self._where(node, ctx)}: {ast.unparse(node)}"
        if line not in self.unresolved:
            self.unresolved.append(line)

    def _follow(self, node: ast.AST, ctx: Context) -> None:
        key = (id(node), id(ctx[1][-1]) if ctx[1] else 0)
        if key in self._seen:
            return
        self._seen.add(key)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                self.found.setdefault(node.value, self._where(node, ctx))
            elif node.value is not None:
                self._fail(node, ctx)
        elif isinstance(node, ast.Name):
            self._follow_name(node.id, node, ctx)
        elif isinstance(node, ast.Attribute):
            self._follow_attribute(node, ctx)
        elif isinstance(node, ast.IfExp):
            self._follow(node.body, ctx)
            self._follow(node.orelse, ctx)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self._follow(value, ctx)
        elif isinstance(node, ast.NamedExpr):
            self._follow(node.value, ctx)
        elif isinstance(node, ast.Subscript):
            self._follow_members(node.value, ctx, node)
        elif isinstance(node, ast.Call):
            self._follow_call(node, ctx)
        else:
            self._fail(node, ctx)

    def _follow_members(self, container: ast.AST, ctx: Context, origin: ast.AST) -> None:
        """Every value a container literal (behind names) holds: `d[k]`, `d.get(k)`."""
        literals = self._literals(container, ctx)
        if not literals:
            self._fail(origin, ctx)
        for literal, where in literals:
            members = literal.values if isinstance(literal, ast.Dict) else literal.elts
            for member in members:
                self._follow(member, where)

    def _literals(self, node: ast.AST, ctx: Context) -> list[tuple[ast.AST, Context]]:
        if isinstance(node, ast.Dict | ast.Tuple | ast.List | ast.Set):
            return [(node, ctx)]
        if isinstance(node, ast.Name):
            found: list[tuple[ast.AST, Context]] = []
            for value, where in self._bindings(node.id, ctx):
                found += self._literals(value, where)
            return found
        if isinstance(node, ast.Attribute):
            return [
                lit
                for value, where in self._attribute(node, ctx)
                for lit in self._literals(value, where)
            ]
        return []

    def _follow_call(self, call: ast.Call, ctx: Context) -> None:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "get":
            self._follow_members(call.func.value, ctx, call)
            if len(call.args) > 1:
                self._follow(call.args[1], ctx)
            return
        targets = self._callees(call, ctx)
        if not targets:
            self._fail(call, ctx)
        for function, where in targets:
            inner = (where[0], (*where[1], function))
            for node in _walk_scope(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    self._follow(node.value, inner)

    def _follow_name(self, name: str, node: ast.AST, ctx: Context) -> None:
        bindings = self._bindings(name, ctx)
        if not bindings:
            self._fail(node, ctx)
        for value, where in bindings:
            self._follow(value, where)

    def _follow_attribute(self, node: ast.Attribute, ctx: Context) -> None:
        values = self._attribute(node, ctx)
        if values:
            for value, where in values:
                self._follow(value, where)
        elif node.attr != "code":  # a code read back from an error: found where it was set
            self._fail(node, ctx)

    # -- where a name gets its value
    def _bindings(self, name: str, ctx: Context) -> list[tuple[ast.AST, Context]]:
        module, scopes = ctx
        for depth in range(len(scopes) - 1, -1, -1):
            scope = scopes[depth]
            if isinstance(scope, ast.ClassDef):
                continue  # a method does not see its class's names
            here = (module, scopes[: depth + 1])
            found = self._assignments(scope, name, here)
            parameter = self._parameter(scope, name, (module, scopes[:depth]))
            if found or parameter is not None:
                return found + (parameter or [])
        found = self._assignments(self.trees[module], name, (module, ()))
        if found:
            return found
        imported = self._imported(module, name)
        if imported is not None:
            source, original = imported
            if original is not None and source in self.trees:
                return self._bindings(original, (source, ()))
        return []

    def _assignments(
        self, scope: ast.AST, name: str, ctx: Context
    ) -> list[tuple[ast.AST, Context]]:
        found: list[tuple[ast.AST, Context]] = []
        for node in _walk_scope(scope):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    found += [(v, ctx) for v in _unpack(target, node.value, name)]
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                found.append((node.value, ctx))
            elif isinstance(node, ast.For | ast.AsyncFor) and name in _names(node.target):
                literals = self._literals(_items_of(node.iter), ctx)
                if not literals:
                    self._fail(node.iter, ctx)
                for literal, where in literals:
                    for element in _elements(literal):
                        found += [(v, where) for v in _unpack(node.target, element, name)]
        return found

    def _parameter(
        self, scope: ast.AST, name: str, outer: Context
    ) -> list[tuple[ast.AST, Context]] | None:
        """What flows into parameter `name` of the function `scope`: its default and the
        matching argument of each call; None when it has no such parameter."""
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return None
        spec = scope.args
        positional = [*spec.posonlyargs, *spec.args]
        names = [a.arg for a in (*positional, *spec.kwonlyargs)]
        if name not in names:
            return None
        flows: list[tuple[ast.AST, Context]] = []
        defaults = dict(zip([a.arg for a in positional][::-1], spec.defaults[::-1], strict=False))
        defaults |= {a.arg: d for a, d in zip(spec.kwonlyargs, spec.kw_defaults, strict=True) if d}
        if name in defaults:
            flows.append((defaults[name], outer))
        if isinstance(scope, ast.Lambda):
            return flows
        for call, where, skip in self._call_sites(scope, outer):
            argument = self._argument(call, scope, name, skip, where)
            if argument is not None:
                flows.append(argument)
        return flows

    def _argument(
        self, call: ast.Call, function: ast.AST, name: str, skip: int, ctx: Context
    ) -> tuple[ast.AST, Context] | None:
        spec = function.args
        positional = [a.arg for a in (*spec.posonlyargs, *spec.args)][skip:]
        for index, argument in enumerate(call.args):
            if isinstance(argument, ast.Starred):
                return argument, ctx  # unresolved, and said so
            if index < len(positional) and positional[index] == name:
                return argument, ctx
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value, ctx
            if keyword.arg is None:
                literals = self._literals(keyword.value, ctx)
                if not literals:
                    return keyword.value, ctx  # unresolved, and said so
                for literal, where in literals:
                    if isinstance(literal, ast.Dict):
                        for key, value in zip(literal.keys, literal.values, strict=True):
                            if isinstance(key, ast.Constant) and key.value == name:
                                return value, where
        return None

    def _call_sites(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context
    ) -> list[tuple[ast.Call, Context, int]]:
        """Every call of `function` and how many leading parameters it fills itself (self)."""
        module, scopes = ctx
        owner = scopes[-1] if scopes and isinstance(scopes[-1], ast.ClassDef) else None
        sites: list[tuple[ast.Call, Context, int]] = []
        unique = len(self.functions.get(function.name, [])) == 1
        if owner is not None and function.name == "__init__":
            makers = self._constructed_by(owner.name)
            for call, where in self.calls:
                if _last(call.func) in makers:
                    sites.append((call, where, 1))
                elif _is_super_call(call, "__init__") and where[1]:
                    caller_class = next(
                        (s for s in reversed(where[1]) if isinstance(s, ast.ClassDef)), None
                    )
                    if caller_class and self._init_owner_above(caller_class) == owner.name:
                        sites.append((call, where, 1))
            return sites
        for call, where in self.calls:
            func = call.func
            if owner is not None:
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == function.name
                    and (_last(func.value) in ("self", "cls", owner.name) or unique)
                ):
                    sites.append((call, where, 1))
            elif isinstance(func, ast.Name):
                if self._resolves_to(func.id, where, function):
                    sites.append((call, where, 0))
            elif isinstance(func, ast.Attribute) and func.attr == function.name:
                alias = func.value.id if isinstance(func.value, ast.Name) else None
                if (alias and self._imported(where[0], alias) == (module, None)) or unique:
                    sites.append((call, where, 0))
        return sites

    def _resolves_to(self, name: str, ctx: Context, function: ast.AST) -> bool:
        """Whether the bare name `name`, called in `ctx`, is `function` (shadowing aside)."""
        home = self._context[id(function)]
        module, scopes = ctx
        if name == function.name:
            for scope in scopes:
                if not isinstance(scope, ast.ClassDef) and any(
                    n is function for n in _walk_scope(scope)
                ):
                    return True
            if home == (module, ()):
                return True
        return not home[1] and self._imported(module, name) == (home[0], function.name)

    def _callees(
        self, call: ast.Call, ctx: Context
    ) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Context]]:
        """The functions of these modules a call may run."""
        func, found = call.func, []
        names = {_last(func)}
        if isinstance(func, ast.Name):
            imported = self._imported(ctx[0], func.id)
            if imported and imported[1]:
                names.add(imported[1])  # `from m import f as g`
        for name in names - {None}:
            candidates = self.functions.get(name, [])
            for function, where in candidates:
                owner = where[1][-1] if where[1] else None
                if isinstance(owner, ast.ClassDef):
                    if isinstance(func, ast.Attribute) and (
                        _last(func.value) in ("self", "cls", owner.name) or len(candidates) == 1
                    ):
                        found.append((function, where))
                elif isinstance(func, ast.Name):
                    if self._resolves_to(func.id, ctx, function):
                        found.append((function, where))
                elif isinstance(func.value, ast.Name) and (
                    self._imported(ctx[0], func.value.id) == (where[0], None)
                ):
                    found.append((function, where))
        return found

    def _constructed_by(self, owner: str) -> set[str]:
        """Classes whose construction runs `owner.__init__`: it and subclasses without one."""
        makers, grew = {owner}, True
        while grew:
            grew = False
            for name, defs in self.classes.items():
                if name in makers:
                    continue
                for cls, _ in defs:
                    if any(_last(b) in makers for b in cls.bases) and not _defines(cls, "__init__"):
                        makers.add(name)
                        grew = True
        return makers

    def _init_owner_above(self, cls: ast.ClassDef) -> str | None:
        """The nearest base class of `cls` that defines `__init__` (what super() reaches)."""
        for base in cls.bases:
            for parent, _ in self.classes.get(_last(base) or "", []):
                if _defines(parent, "__init__"):
                    return parent.name
                above = self._init_owner_above(parent)
                if above:
                    return above
        return None

    def _attribute(self, node: ast.Attribute, ctx: Context) -> list[tuple[ast.AST, Context]]:
        """`module.NAME`, `Class.NAME`, `self.NAME` (a class attribute) as values."""
        if not isinstance(node.value, ast.Name):
            return []
        owner = node.value.id
        imported = self._imported(ctx[0], owner)
        if imported is not None and imported[1] is None and imported[0] in self.trees:
            return self._bindings(node.attr, (imported[0], ()))
        if owner in ("self", "cls"):
            classes = [s for s in ctx[1] if isinstance(s, ast.ClassDef)][-1:]
        else:
            classes = [c for c, _ in self.classes.get(owner, [])]
        found: list[tuple[ast.AST, Context]] = []
        for cls in classes:
            where = (self._context[id(cls)][0], (*self._context[id(cls)][1], cls))
            for statement in cls.body:
                found += [(v, where) for v in _assigned(statement, node.attr)]
        return found

    def _imported(self, module: str, name: str) -> tuple[str, str | None] | None:
        """(source module, name) for `from m import name`; (module, None) for a module."""
        for node in ast.walk(self.trees[module]):
            if isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:  # relative to this module's package
                    source = f"{module.rsplit('.', node.level)[0]}.{source}".rstrip(".")
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        if f"{source}.{alias.name}" in self.trees:
                            return f"{source}.{alias.name}", None
                        return source, alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname == name:
                        return alias.name, None
        return None


def _last(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _walk_scope(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function body, not those of functions or classes inside."""
    for child in ast.iter_child_nodes(scope):
        yield child
        if not isinstance(child, _SCOPES):
            yield from _walk_scope(child)


def _defines(cls: ast.ClassDef, name: str) -> bool:
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name for n in cls.body
    )


def _is_super_call(call: ast.Call, method: str) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == method
        and isinstance(func.value, ast.Call)
        and _last(func.value.func) == "super"
    )


def _is_self_code(target: ast.AST) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and target.attr == "code"
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _unpack(target: ast.AST, value: ast.AST, name: str) -> list[ast.AST]:
    """The part of `value` that `name` in `target` is bound to (`a, b = 1, 2`)."""
    if isinstance(target, ast.Name):
        return [value] if target.id == name else []
    if isinstance(target, ast.Tuple | ast.List) and name in _names(target):
        if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
            return [
                v for t, e in zip(target.elts, value.elts, strict=True) for v in _unpack(t, e, name)
            ]
        return [value]  # not a literal: unresolved, and said so
    return []


def _assigned(statement: ast.AST, name: str) -> list[ast.AST]:
    if isinstance(statement, ast.Assign):
        return [v for t in statement.targets for v in _unpack(t, statement.value, name)]
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return _unpack(statement.target, statement.value, name)
    return []


def _items_of(node: ast.AST) -> ast.AST:
    """`d.items()` loops over the dict `d` (see `_elements`)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "items"
    ):
        return node.func.value
    return node


def _elements(literal: ast.AST) -> list[ast.AST]:
    if isinstance(literal, ast.Dict):
        return [
            ast.Tuple(elts=[k, v]) for k, v in zip(literal.keys, literal.values, strict=True) if k
        ]
    return list(getattr(literal, "elts", []))
