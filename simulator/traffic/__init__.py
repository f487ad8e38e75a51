"""Traffic: calls generated instead of scripted, seeded like everything else.

From the scenario's ``traffic:`` section: calls arrive from the network at ``to``
(or at one of several DNs, by share) as a Poisson process (``rate`` a second) until
``duration`` — or at a rate per interval (``rates``), or at the times of a CSV trace
(``arrivals``); each rings an agent (through the queue or routing point), who
answers after ``answer_after``; the caller talks for ``talk`` (a share of calls is
put on hold for a while within it: ``hold``) and hangs up — or gives up after
``patience`` if nobody answered. A share of calls (``agent_hangs_up``) is ended by
the agent instead, with Hangup from the desktop: a request through Web Services,
whose view of the call then lags T-Server's by the links' delays. With
``dispositions``, the agent picks one (a share of calls) from their desktop, through
Web Services like any other request: some time ``before_release`` (the userData path
while Web Services still sees the call) or ``after_release`` (the userEvent path).
When Web Services leaves completion to the agent (``call_completion: agent``, its
default) and ``done_after`` is given, the agent marks the call Done (the v3
``Complete`` operation) that long after their last action on it — the release, or a
disposition clicked after it. With ``transfer``, agents hand a share of their calls
to another DN from the desktop, in one step or through a consult call; the agent
who takes the call over talks, disposes and hangs up (or not) like any other, and
the one who left it disposes relative to leaving it. Agents take ``breaks``.
Scripted steps run beside it.

The agents act at their phones (they see their DN's events at once, as a phone
rings); every draw comes from a stream of its own, so changing one distribution
does not shift the others.

- ``source``: the calls and the agents at their phones (answer, talk, hold,
  hang up, dispose, Done);
- ``arrivals``: when calls arrive;
- ``breaks``: the agents' breaks;
- ``transfers``: the agents' transfers;
- ``draws``: the seeded draws they share.
"""

from .source import AT_THE_PHONE, CALLER_PREFIX, TrafficSource, start_traffic

__all__ = ["AT_THE_PHONE", "CALLER_PREFIX", "TrafficSource", "start_traffic"]
