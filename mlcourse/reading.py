"""Helpers for the page a reader reads: glued numbers and figures, and the code that is the math.

:func:`glue` stores a computed number under a name, so the chapter's text quotes it with the
``{glue:text}`` role and cannot drift from the computation; :func:`glue_figure` stores an
interactive figure so that a ``{glue:figure}`` directive places it in a numbered figure with a
caption; :func:`show_source` puts on the page the lines of a function of ``mlcourse`` that are the
math, without its docstring and the checks of its arguments.
"""

from __future__ import annotations

import ast
import inspect
import json
import numbers
import re
import textwrap

__all__ = ["GluedFigure", "glue", "glue_figure", "show_source"]

#: Lines between these two comments are the math of a function (see :func:`show_source`).
MATH_START = "# [math]"
MATH_END = "# [/math]"
#: The line that stands for the argument checks :func:`show_source` leaves out.
CHECKS_OMITTED = "# (checks of the arguments omitted)"

_KEY = re.compile(r"^[A-Za-z_][\w.-]*$")


def _plain(value):
    """A number as a plain Python number (numpy scalars and 0-d arrays included)."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        value = item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value, fmt: str | None = None) -> None:
    """Store a computed value under ``name`` for the chapter's prose, and show it.

    In the HTML book the Markdown quotes it with ``{glue:text}`name``` (or with a format:
    ``{glue:text}`name:.3f```), so the number in the text is the number the code computed. Where
    myst-nb is not installed (Colab, a plain Jupyter) nothing is stored, and the value is printed
    in the cell's output in either case, so every reader sees it next to the code.

    Parameters
    ----------
    name : str
        The key: letters, digits, ``_``, ``.`` and ``-``, starting with a letter or ``_``; unique
        within the notebook.
    value : object
        Usually a number (numpy scalars are stored as Python numbers, so a format spec in the role
        applies to them) or a string.
    fmt : str, optional
        A format spec (``".3f"``, ``".1%"``, ``",d"``, ``".2e"``). When given, the formatted text
        is stored (the role then needs no spec); otherwise the value itself.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    if not _KEY.match(name):
        raise ValueError(
            f"name must start with a letter or '_' and hold only letters, digits, '_', '.' or '-' "
            f"(it is the key of the {{glue:text}} role); got {name!r}"
        )
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format spec string such as '.3f'; got {type(fmt).__name__}")
    value = _plain(value)
    if fmt is not None:
        try:
            text = format(value, fmt)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"value must be something fmt {fmt!r} can format; got a "
                             f"{type(value).__name__} ({exc})") from None
        stored = text
    else:
        text, stored = str(value), value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab or a plain Jupyter: the printed value is all a reader needs
        myst_glue = None
    if myst_glue is not None:
        myst_glue(name, stored, display=False)
    print(f"{name} = {text}")


class GluedFigure:
    """An interactive figure stored by :func:`glue_figure`; it displays as the figure itself.

    It holds the figure's display output, computed once (an explorer's web stand-in draws every
    frame, which takes seconds), so showing it in the cell does not compute the frames again.
    ``figure`` is the object that was glued (the explorer, with its live controls).
    """

    def __init__(self, name: str, figure, data: dict, metadata: dict) -> None:
        self.name, self.figure = name, figure
        self._data, self._metadata = data, metadata

    def _repr_mimebundle_(self, include=None, exclude=None):
        # copies: myst-nb's glue writes its record into the metadata it is given
        return dict(self._data), json.loads(json.dumps(self._metadata))

    def __repr__(self) -> str:
        return f"<figure {self.name!r} glued for the book: {type(self.figure).__name__}>"


_DISPLAYABLE = ("_repr_mimebundle_", "_repr_html_", "_repr_png_", "_repr_svg_")


def glue_figure(name: str, figure) -> GluedFigure:
    """Store an interactive figure under ``name`` for a numbered, captioned figure, and show it.

    The cell-metadata caption (``mystnb: figure:``) numbers image outputs only; an explorer
    (:func:`mlcourse.interactive.explore`, :func:`mlcourse.widgets.basis_explorer`, the optimizer
    playground) or an animation is an HTML output. So the code cell ends with
    ``mlcourse.glue_figure("fig-taylor-explorer", explorer)``, is tagged ``remove-output``, and the
    Markdown cell after it places the figure::

        ```{glue:figure} fig-taylor-explorer
        :name: fig-taylor-explorer
        :alt: What the figure shows, in words.

        The caption: what the figure shows and what to try.
        ```

    The web book shows the figure once, numbered in sequence with the chapter's other figures
    (``{numref}`fig-taylor-explorer``` refers to it); Jupyter and Colab readers see the live figure
    in the cell's output, and the reader's edition (:mod:`mlcourse.edition`) puts the caption, with
    the same number, under it. Where myst-nb is not installed (Colab) nothing is stored.

    Parameters
    ----------
    name : str
        The glue key: letters, digits, ``_``, ``.`` and ``-``; by convention the figure's ``:name:``.
    figure : object
        Anything Jupyter displays (an :class:`~mlcourse.interactive.Explorer`, an
        :class:`~mlcourse.interactive.Interactive`, ``IPython.display.HTML``).

    Returns
    -------
    GluedFigure
        Displays as ``figure`` (the last expression of the cell), from the output computed once.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    if not _KEY.match(name):
        raise ValueError(f"name must start with a letter or '_' and hold only letters, digits, '_', "
                         f"'.' or '-' (it is the key of the {{glue:figure}} directive); got {name!r}")
    if isinstance(figure, GluedFigure) or not any(hasattr(figure, m) for m in _DISPLAYABLE):
        raise TypeError(f"figure must be something Jupyter displays (an explorer, an animation's "
                        f"HTML), not yet glued; got {type(figure).__name__} (glue a number with "
                        f"mlcourse.glue)")
    from IPython.core.formatters import format_display_data

    data, metadata = format_display_data(figure)
    glued = GluedFigure(name, figure, dict(data), dict(metadata or {}))
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab or a plain Jupyter: the figure shows in the cell, as always
        myst_glue = None
    if myst_glue is not None:
        myst_glue(name, glued, display=False)
    return glued


class SourceCode:
    """Python source shown as a highlighted code block (Markdown) in Jupyter, Colab and the book."""

    def __init__(self, code: str) -> None:
        self.code = code

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}\n```"

    @property
    def data(self) -> str:
        """The Markdown that is displayed (a fenced code block)."""
        return self._repr_markdown_()

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return self.code


def show_source(obj, *, full: bool = False) -> SourceCode:
    """Show the code of a function or class of mlcourse that is the math, highlighted.

    The chapters put on the page exactly the code that the tests check, but a reader wants the
    lines that are the equation, not the docstring or the checks of the arguments. So:

    * if the source marks lines with ``# [math]`` ... ``# [/math]`` comments, only those lines are
      shown, under the ``def`` (and ``class``) lines that hold them, with ``...`` for what is left
      out between them;
    * otherwise the whole definition is shown without its docstrings and without the statements of
      each function body that only check its arguments: calls of ``mlcourse._validate``'s
      ``check_*``/``as_*`` that re-bind the argument they check (``tol = check_positive(tol, "tol")``),
      ``_check*`` calls, and ``if``/``for`` blocks that only raise or check (one comment line,
      :data:`CHECKS_OMITTED`, marks where they were); nested ``if`` blocks that only raise and
      methods that only check are left out too. A conversion that introduces a new name
      (``x = as_float_array(x0, "x0")``) stays, so the code shown reads on its own.

    Parameters
    ----------
    obj : function, method or class
    full : bool
        Show the source exactly as it is, docstring and checks included.

    Returns
    -------
    SourceCode
        Displays as a fenced Python code block; ``.code`` is the text.
    """
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
        raise TypeError(f"obj must be a function, method or class; got {type(obj).__name__}")
    from ._validate import check_bool  # (numpy: not imported by ``import mlcourse`` itself)

    full = check_bool(full, "full")
    source = textwrap.dedent(inspect.getsource(obj)).rstrip()
    if full:
        return SourceCode(source)
    lines = source.splitlines()
    tree = ast.parse(source)
    if any(line.strip() == MATH_START for line in lines):
        return SourceCode(_marked(lines, tree))
    module = inspect.getmodule(obj)
    return SourceCode(_without_checks(lines, tree, vars(module) if module else {}))


# --- the marked lines ------------------------------------------------------------------------------


def _scopes(tree) -> list[tuple[int, int, int]]:
    """(first line, last line of the header, last line) of every def and class, 0-based."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            out.append((first, node.body[0].lineno - 2, node.end_lineno - 1))
    return out


def _marked(lines: list[str], tree) -> str:
    keep, inside = set(), False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == MATH_START:
            if inside:
                raise ValueError(f"line {i + 1}: {MATH_START!r} inside a block that is not closed")
            inside = True
        elif stripped == MATH_END:
            if not inside:
                raise ValueError(f"line {i + 1}: {MATH_END!r} without {MATH_START!r}")
            inside = False
        elif inside:
            keep.add(i)
    if inside:
        raise ValueError(f"a {MATH_START!r} block is never closed with {MATH_END!r}")
    for first, header_end, last in _scopes(tree):  # the def/class lines around the kept lines
        if any(first <= i <= last for i in keep):
            keep.update(range(first, header_end + 1))
    return _render(lines, keep, gap="...")


# --- without docstrings and checks -----------------------------------------------------------------


def _call_name(node) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
    return None


def _is_validator(name: str | None, namespace: dict) -> bool:
    if name is None:
        return False
    if name.startswith("_check"):
        return True
    target = namespace.get(name)
    return getattr(target, "__module__", "") == "mlcourse._validate"


def _rebinds_itself(target, call) -> bool:
    """``tol = check_positive(tol, "tol")``: the checked value replaces the argument of that name."""
    return (isinstance(target, ast.Name) and isinstance(call, ast.Call) and bool(call.args)
            and isinstance(call.args[0], ast.Name) and call.args[0].id == target.id)


def _is_check(stmt, namespace: dict) -> bool:
    """A statement that only checks arguments (or converts one in place, under its own name)."""
    if isinstance(stmt, ast.Raise):
        return True
    if isinstance(stmt, ast.Expr):
        return _is_validator(_call_name(stmt.value), namespace)
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
        pairs = (list(zip(target.elts, value.elts, strict=False))
                 if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                 else [(target, value)])
        return all(_is_validator(_call_name(v), namespace) and _rebinds_itself(t, v) for t, v in pairs)
    if isinstance(stmt, (ast.If, ast.For)):
        return all(_is_check(s, namespace) for s in [*stmt.body, *stmt.orelse])
    return False


def _only_raises(stmt) -> bool:
    return isinstance(stmt, (ast.If, ast.For)) and all(
        isinstance(s, ast.Raise) or _only_raises(s) for s in [*stmt.body, *stmt.orelse]
    )


def _is_docstring(stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def _span(node) -> range:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return range(first - 1, node.end_lineno)


def _without_checks(lines: list[str], tree, namespace: dict) -> str:
    drop: set[int] = set()
    notes: dict[int, str] = {}  # line index -> the comment line put there
    top = tree.body[0]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = list(node.body)
            if body and _is_docstring(body[0]):
                drop.update(_span(body.pop(0)))
            if isinstance(node, ast.ClassDef) or not body:
                continue
            checks = [stmt for stmt in body if _is_check(stmt, namespace)]
            if checks and len(checks) == len(body) and node is not top:
                drop.update(_span(node))  # a helper that only checks: not part of the math
            elif checks and len(checks) < len(body):
                for stmt in checks:
                    drop.update(_span(stmt))
                first = checks[0]
                notes[first.lineno - 1] = lines[first.lineno - 1][: first.col_offset] + CHECKS_OMITTED
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and len(block) > 1:  # never empty a block
                for stmt in block:
                    if _only_raises(stmt):
                        drop.update(_span(stmt))
    keep = set(range(len(lines))) - drop
    return _render(lines, keep, notes=notes)


# --- the lines kept, as text ---------------------------------------------------------------------------


def _render(lines: list[str], keep: set[int], *, gap: str | None = None,
            notes: dict[int, str] | None = None) -> str:
    out: list[str] = []
    skipped = False
    for i, line in enumerate(lines):
        if notes and i in notes:
            out.append(notes[i])
        if i not in keep:
            skipped = True
            continue
        if gap is not None and skipped and out:
            out.append(re.match(r"\s*", line).group(0) + gap)
        skipped = False
        if not line.strip() and (not out or not out[-1].strip() or out[-1].rstrip().endswith(":")):
            continue  # no blank line after a header, nor two in a row, where something was left out
        out.append(line)
    return textwrap.dedent("\n".join(out).strip("\n"))
