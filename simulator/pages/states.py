"""State diagrams drawn from the tables the model runs, so they cannot drift from the code.

- the party state machine: ``tserver.states.PARTY_TRANSITIONS``;
- the agent states: ``tserver.agents.WORK_MODES`` (NotReady work modes) and Ready;
- the SetCallDisposition decision: ``gws.disposition.PATH_BY_VIEW`` (Web Services'
  view of the call → the path), the refusals, and what reporting can end with.

Each diagram is geometry (nodes and edges) for the page template to draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import tlib
from ..gws.disposition import PATH_BY_VIEW, REJECTED
from ..record import Fate
from ..tserver.agents import WORK_MODES
from ..tserver.states import PARTY_TRANSITIONS

NODE_W, NODE_H = 120, 34


@dataclass(frozen=True)
class Node:
    name: str
    x: float
    y: float
    kind: str = "state"


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str

    @property
    def label_x(self) -> float:
        return (self.x1 + self.x2) / 2

    @property
    def label_y(self) -> float:
        return (self.y1 + self.y2) / 2 - 5


@dataclass(frozen=True)
class StateDiagram:
    title: str
    caption: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float


def _edge(a: Node, b: Node, label: str, bend: float = 0.0) -> Edge:
    """An edge from box ``a`` to box ``b`` (between their borders), shifted by ``bend`` px."""
    dx, dy = b.x - a.x, b.y - a.y
    if abs(dx) >= abs(dy):
        sx = NODE_W / 2 if dx > 0 else -NODE_W / 2
        return Edge(a.x + sx, a.y + bend, b.x - sx, b.y + bend, label)
    sy = NODE_H / 2 if dy > 0 else -NODE_H / 2
    return Edge(a.x + bend, a.y + sy, b.x + bend, b.y - sy, label)


def party_states() -> StateDiagram:
    """The party state machine, edge for edge from ``PARTY_TRANSITIONS``."""
    place = {tlib.DIALING: (90, 60), tlib.RINGING: (90, 170), tlib.ESTABLISHED: (330, 115),
             tlib.HELD: (570, 60), tlib.RELEASED: (570, 200)}
    nodes = {name: Node(name, x, y) for name, (x, y) in place.items()}
    edges = []
    for action, (sources, target, event) in PARTY_TRANSITIONS.items():
        for source in sorted(sources):
            bend = -8 if (action == "retrieve") else (8 if action == "hold" else 0)
            edges.append(_edge(nodes[source], nodes[target], f"{action} · {event}", bend))
    return StateDiagram("A party's states at T-Server", "tserver/states.py PARTY_TRANSITIONS",
                        tuple(nodes.values()), tuple(edges), 700, 250)


def agent_states() -> StateDiagram:
    """Ready and the NotReady work modes an agent can be in (``WORK_MODES``)."""
    modes = sorted(WORK_MODES)
    ready = Node(tlib.READY, 90, 45 + 65 * (len(modes) - 1) / 2)
    others = [Node(state, 470, 45 + 65 * i) for i, state in enumerate(modes)]
    edges = []
    for state, node in zip(modes, others, strict=True):
        edges.append(_edge(ready, node, f"NotReady · {WORK_MODES[state]}", -7))
        edges.append(_edge(node, ready, "", 7))
    return StateDiagram("An agent's states (back to Ready: RequestAgentReady, or the wrap-up time is over)",
                        "tserver/agents.py WORK_MODES", (ready, *others), tuple(edges),
                        600, 70 + 65 * len(others))


def disposition_decision() -> StateDiagram:
    """Web Services' view of the call → the path → what reporting can end with."""
    views = sorted(PATH_BY_VIEW, key=list(PATH_BY_VIEW).index)
    nodes: list[Node] = []
    edges: list[Edge] = []
    path_nodes = {path: Node(path, 330, 50 + 80 * i, "path") for i, path in
                  enumerate(dict.fromkeys([*PATH_BY_VIEW.values(), REJECTED]))}
    for i, view in enumerate(views):
        node = Node(f"view: {view}", 90, 30 + 44 * i, "view")
        nodes.append(node)
        edges.append(_edge(node, path_nodes[PATH_BY_VIEW[view]], ""))
    refused = Node("refused (1, 6, 10)", 90, 30 + 44 * len(views), "view")
    nodes.append(refused)
    edges.append(_edge(refused, path_nodes[REJECTED], "statusCode ≠ 0"))
    fates = {fate.value: Node(fate.value, 570, 50 + 80 * i, "fate") for i, fate in enumerate(Fate)}
    for path, node in path_nodes.items():
        nodes.append(node)
        reachable = [Fate.LOST.value] if path == REJECTED else [f.value for f in Fate]
        for fate in reachable:
            edges.append(_edge(node, fates[fate], ""))
    nodes += fates.values()
    return StateDiagram("SetCallDisposition: view → path → what reporting holds",
                        "gws/disposition.py PATH_BY_VIEW; record.py Fate", tuple(nodes), tuple(edges), 700,
                        max(60 + 44 * (len(views) + 1), 60 + 80 * 3))


def diagrams() -> list[StateDiagram]:
    return [party_states(), agent_states(), disposition_decision()]
