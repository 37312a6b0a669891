"""A :class:`Drawing` as Mermaid (the default: code hosts render it), as DOT, and as SVG.

SVG needs Graphviz's ``dot`` on the PATH; Mermaid and DOT text need nothing.
"""

from __future__ import annotations

import shutil
import subprocess

from drkit.errors import DrkitError
from drkit.operations.graph.drawing import Cluster, Drawing, Edge, Node, Shape

_MERMAID_SHAPES = {
    Shape.ENTRY: ("{{", "}}"),
    Shape.BOX: ("[", "]"),
    Shape.TABLE: ("[(", ")]"),
    Shape.BUCKET: ("([", "])"),
    Shape.NOTE: (">", "]"),
}
_DOT_SHAPES = {
    Shape.ENTRY: "hexagon",
    Shape.BOX: "box",
    Shape.TABLE: "cylinder",
    Shape.BUCKET: "folder",
    Shape.NOTE: "note",
}


class RendererMissing(DrkitError):
    """SVG was asked for and Graphviz's ``dot`` is not installed."""


def to_mermaid(drawing: Drawing) -> str:
    """A Mermaid flowchart: one subgraph per box, labels in quotes, one edge per line."""
    lines = ["flowchart TB", f"  {_mermaid_node(drawing.entry)}"]
    for cluster in _boxes(drawing):
        lines.append(f'  subgraph {cluster.id}["{cluster.title}"]')
        lines.extend(f"    {_mermaid_node(node)}" for node in cluster.nodes)
        lines.append("  end")
    lines.extend(f"  {_mermaid_edge(edge)}" for edge in drawing.edges)
    return "\n".join(lines) + "\n"


def _boxes(drawing: Drawing) -> tuple[Cluster, ...]:
    """The regions' boxes, then the stacks box (drawn last: nothing points into it)."""
    return (*drawing.clusters, *([drawing.legend] if drawing.legend else []))


def _mermaid_node(node: Node) -> str:
    opening, closing = _MERMAID_SHAPES[node.shape]
    return f'{node.id}{opening}"{node.label}"{closing}'


def _mermaid_edge(edge: Edge) -> str:
    arrow = "<-->" if edge.both_ways else "-->"
    return f'{edge.source} {arrow}|"{edge.label}"| {edge.target}'


def to_dot(drawing: Drawing) -> str:
    """The same drawing for Graphviz: one ``cluster_`` subgraph per box."""
    lines = [
        "digraph drkit {",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        f"  {_dot_node(drawing.entry)}",
    ]
    for cluster in _boxes(drawing):
        lines.append(f"  subgraph cluster_{cluster.id} {{")
        lines.append(f"    label={_dot_string(cluster.title)};")
        lines.extend(f"    {_dot_node(node)}" for node in cluster.nodes)
        lines.append("  }")
    for edge in drawing.edges:
        both = ", dir=both" if edge.both_ways else ""
        lines.append(f"  {edge.source} -> {edge.target} [label={_dot_string(edge.label)}{both}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(node: Node) -> str:
    return f"{node.id} [label={_dot_string(node.label)}, shape={_DOT_SHAPES[node.shape]}];"


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<br/>", "\\n")
    return f'"{escaped}"'


def to_svg(drawing: Drawing, *, dot: str | None = None, timeout_seconds: float = 60) -> str:
    """Render with Graphviz's ``dot`` (found on the PATH unless given).

    Raises:
        RendererMissing: ``dot`` is not installed; the message says how to get it.
    """
    executable = dot or shutil.which("dot")
    if executable is None:
        raise RendererMissing(
            "SVG needs Graphviz's `dot` on the PATH (Debian/Ubuntu: apt-get install graphviz); "
            "without it, use the default Mermaid output (--format mermaid) or --format dot"
        )
    done = subprocess.run(
        [executable, "-Tsvg"],
        input=to_dot(drawing),
        capture_output=True,
        text=True,
        timeout=timeout_seconds,
        check=False,
    )
    if done.returncode != 0:
        raise DrkitError(f"dot -Tsvg failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout
