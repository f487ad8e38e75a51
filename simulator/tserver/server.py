"""T-Server: a client's requests, carried out on the switch.

- A request is handled at the instant it arrives (no processing time here), or
  after the processing link's delay, in arrival order.
- A request that cannot be carried out answers **EventError** with the fitting
  T-Library code — never an exception: an unknown or released ConnID is
  ``TERR_INV_CONNID`` (56); a request tsim does not model is
  ``TERR_UNSUP_OPER``. A refused request changes nothing.
"""

from __future__ import annotations

from .. import journal as J
from .. import tlib
from .handlers import REQUEST_HANDLERS
from .model import TError
from .switch import PHONE, Switch

__all__ = ["PHONE", "TServer"]


class TServer(Switch):
    """The switch with its request dispatcher on top (``handlers.REQUEST_HANDLERS``)."""

    # -- entry points --------------------------------------------------------
    def receive(self, request: tlib.TRequest) -> None:
        """A client's request arrives: journal it and queue it for processing (FIFO)."""
        sent = request.sent_at
        self.journal.append(J.TLIB_REQUEST, request,
                            {"sentAt": sent} if sent is not None and sent != self.env.now else None)
        if self.processing is None:
            self.handle(request)
        else:
            self.processing.send(request)

    def handle(self, request: tlib.TRequest) -> None:
        """Carry out a request, or answer EventError."""
        handler = REQUEST_HANDLERS.get(request.name)
        try:
            if handler is None:
                raise TError(tlib.TERR_UNSUP_OPER, f"{request.name} is not supported")
            handler(self, request)
        except TError as err:
            self._outbox.clear()  # a refused request changes nothing
            self.error(request, err)
        self.flush()
