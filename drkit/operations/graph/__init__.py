"""``drkit graph``: the topology of a synthesized deployment, every stack of it, as a picture.

read.py reads the stacks (merged by ``drkit.operations.synthesized.merge_stacks``) into a
:class:`Topology` (model.py: what Terraform will create, not what the spec asked for, and
which stack holds each piece); drawing.py lays it out (a box per region, a box of the other
stacks, nodes, edges); render.py writes the layout as Mermaid, DOT or SVG.
"""

from drkit.operations.graph.drawing import Drawing, EdgeKind, Shape, draw
from drkit.operations.graph.model import Topology
from drkit.operations.graph.read import StackReadError, from_merged, from_synthesized
from drkit.operations.graph.render import RendererMissing, to_dot, to_mermaid, to_svg

__all__ = [
    "Drawing",
    "EdgeKind",
    "RendererMissing",
    "Shape",
    "StackReadError",
    "Topology",
    "draw",
    "from_merged",
    "from_synthesized",
    "to_dot",
    "to_mermaid",
    "to_svg",
]
