"""``drkit graph``: the topology of a synthesized stack as a picture.

read.py reads the stack's ``cdk.tf.json`` into a :class:`StackTopology` (what
Terraform will create, not what the spec asked for); drawing.py lays it out
(a box per region, nodes, edges); render.py writes the layout as Mermaid, DOT
or SVG.
"""

from drkit.operations.graph.drawing import Drawing, EdgeKind, Shape, draw
from drkit.operations.graph.read import StackReadError, StackTopology
from drkit.operations.graph.render import RendererMissing, to_dot, to_mermaid, to_svg

__all__ = [
    "Drawing",
    "EdgeKind",
    "RendererMissing",
    "Shape",
    "StackReadError",
    "StackTopology",
    "draw",
    "to_dot",
    "to_mermaid",
    "to_svg",
]
