"""YAML from strangers: safe tags only, nesting and alias expansion bounded.

PyYAML's safe loader refuses ``!!python/object`` but not the "billion laughs": nine levels
of nine aliases (``&a1 [*a0, *a0, …]``) are a 1 KB file whose *expansion* has 9**9 leaves.
Loading it is cheap (an alias is the same node again), but every consumer that walks the
result (a linter, a dumper, a formatter) visits each expansion and hangs.  Deep nesting
(``[[[[…]]]]``) is the other trap: the composer recurses once per level.

:class:`BoundedLoader` checks both while composing, before anything expands: a nesting limit
per node and, once the document is composed, the size of its expansion (counted over the
node graph with one visit per node, so the count itself cannot blow up; a self-referencing
alias is refused).  Subclasses may refuse aliases and anchors outright
(``allow_aliases = False``), as glossaries do.
"""
from __future__ import annotations

from typing import Any

import yaml

from bitext.errors import InputError

MAX_DEPTH = 100          # nesting levels; real glossaries and app strings use under ten
MAX_NODES = 1_000_000    # expanded nodes; a 10 MB string file has far fewer


class YamlLimitError(InputError):
    """A YAML document that is refused for its shape (aliases, depth, expansion)."""


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader with a nesting limit and a bounded alias expansion (see module doc)."""

    allow_aliases = True
    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def __init__(self, stream: Any, name: str | None = None) -> None:
        super().__init__(stream)
        self.source_name = name
        self._depth = 0

    def _refuse(self, message: str, mark: Any) -> YamlLimitError:
        return YamlLimitError(message, self.source_name, mark.line + 1 if mark else None)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if not self.allow_aliases:
            if isinstance(event, yaml.AliasEvent):
                raise self._refuse(f"YAML alias *{event.anchor} is not allowed here (write "
                                   "the value out)", event.start_mark)
            if getattr(event, "anchor", None) is not None:
                raise self._refuse(f"YAML anchor &{event.anchor} is not allowed here (write "
                                   "the value out)", event.start_mark)
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise self._refuse(f"YAML nested deeper than {self.max_depth} levels",
                                   event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None and self.allow_aliases:
            self._check_expansion(node)
        return node

    def _check_expansion(self, root: yaml.Node) -> None:
        """Count the expanded nodes of ``root`` without expanding (memoised, iterative)."""
        size: dict[int, int] = {}
        on_path: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                on_path.discard(key)
                size[key] = 1 + sum(size[id(c)] for c in _children(node))
                if size[key] > self.max_nodes:
                    raise self._refuse(f"YAML aliases expand to more than {self.max_nodes:,} "
                                       "values (an alias bomb?)", node.start_mark)
                continue
            if key in size:
                continue
            if key in on_path:
                raise self._refuse("YAML alias refers to itself (a recursive structure)",
                                   node.start_mark)
            on_path.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml(text: str, name: str | None = None, loader: type[BoundedLoader] = BoundedLoader
              ) -> Any:
    """Parse ``text`` with ``loader``; refusals and YAML errors become ``name:line`` errors."""
    parser = loader(text, name)
    try:
        return parser.get_single_data()
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark
        tag = e.problem.split("tag ")[-1] if e.problem else "tag"
        raise InputError(f"YAML tag {tag} is not allowed (plain YAML only)", name,
                         mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"malformed YAML: {problem}", name,
                         mark.line + 1 if mark else None) from None
    finally:
        parser.dispose()


__all__ = ["MAX_DEPTH", "MAX_NODES", "BoundedLoader", "YamlLimitError", "load_yaml"]
