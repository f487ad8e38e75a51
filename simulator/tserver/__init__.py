"""The T-Server model: the switch's truth about DNs, agents, calls and parties."""

from .model import (
           ACD_QUEUE,
           DN,
           DN_TYPES,
           EXTENSION,
           ROUTING_POINT,
           Agent,
           Call,
           Party,
           TError,
)
from .server import PHONE, TServer

__all__ = ["ACD_QUEUE", "DN_TYPES", "EXTENSION", "ROUTING_POINT", "DN", "Agent", "Call", "Party",
           "TError", "PHONE", "TServer"]
