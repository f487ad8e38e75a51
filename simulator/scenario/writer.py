"""A scenario model back to file data: what ``tsim serve`` writes when a live
session ends, so that the session can be replayed in batch mode.

Durations are written in microseconds (``266010000us``), which reads back to the
same integer; expectations are left out (a recording states what happened, not
what must).
"""

from __future__ import annotations

from typing import Any

from .schema import AgentGroup, DelaySpec, DNConfig, Scenario


def _us(value: int) -> str:
    return f"{value}us"


def _delay(value: Any) -> Any:
    if isinstance(value, DelaySpec):
        return {"dist": value.dist, **{k: _us(v) for k in ("value", "low", "high", "mean", "sd")
                                       if (v := getattr(value, k)) is not None}}
    return _us(value)


def scenario_data(model: Scenario, steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``model`` as a scenario file's data; ``steps`` (already file data) replace its own."""
    data = model.model_dump(by_alias=True, exclude_none=True, mode="json", exclude={"steps", "expect"})
    data["switch"]["latency"] = {name: _delay(value) for name, value in model.switch.latency.items()}
    switch = data["switch"]
    agents: list[tuple[dict[str, Any], DNConfig | AgentGroup]] = [
        *((switch["dns"][number], dn) for number, dn in model.switch.dns.items()),
        *((switch["agent_groups"][i], group) for i, group in enumerate(model.switch.agent_groups))]
    for out, given in agents:
        if given.wrap_up is not None:
            out["wrap_up"] = _delay(given.wrap_up)
        if given.shift is not None:
            out["shift"] = {name: _us(value) for name in ("start", "end")
                            if (value := getattr(given.shift, name)) is not None}
    data["web_services"]["retention"] = _us(model.web_services.retention)
    data["reporting"]["user_event_data_timeout"] = _us(model.reporting.user_event_data_timeout)
    traffic = model.traffic
    if traffic is not None:
        out = data["traffic"]
        if traffic.duration is not None:
            out["duration"] = _us(traffic.duration)
        for i, period in enumerate(traffic.rates or []):
            out["rates"][i]["until"] = _us(period.until)
        for name in ("answer_after", "talk", "patience", "done_after"):
            if getattr(traffic, name) is not None:
                out[name] = _delay(getattr(traffic, name))
        for habit, names in (("hold", ("after", "duration")), ("breaks", ("every", "duration")),
                             ("transfer", ("after", "consult", "consult_patience"))):
            if getattr(traffic, habit) is not None:
                for name in names:
                    out[habit][name] = _delay(getattr(getattr(traffic, habit), name))
        if traffic.dispositions is not None:
            for name in ("before_release", "after_release"):
                if getattr(traffic.dispositions, name) is not None:
                    out["dispositions"][name] = _delay(getattr(traffic.dispositions, name))
    if steps is None:
        steps = []
        for step in model.steps:
            dumped = step.model_dump(by_alias=True, exclude_none=True, mode="json")
            dumped["at"] = _us(step.at)
            if step.latency is not None:
                changed = step.latency.model_fields_set
                dumped["latency"] = {name: _delay(getattr(step.latency, name)) for name in sorted(changed)}
            steps.append(dumped)
    data["steps"] = steps
    return data
