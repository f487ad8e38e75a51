"""The scenario file format (version 1), as pydantic models.

Unknown keys are errors, so a typo never silently does nothing. ``tsim schema``
prints the JSON Schema of ``Scenario`` for editors.

Times (``at``, latencies, timeouts, windows) are durations: ``4s``, ``150ms``,
``250us``, ``2m``, ``1h`` or a number of seconds (``1.25``); inside they are
integer microseconds.

String values in a ``gws`` step's ``post``/``get`` path and ``body`` may name
scenario calls: ``{c1}`` (the call id, i.e. its CallUuid), ``{c1.connId}``,
``{c1.uri}`` (``<base_uri>/api/v2/calls/<id>``, the reference's callUri form).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    PrivateAttr,
    StrictInt,
    StrictStr,
    Tag,
    WithJsonSchema,
    model_validator,
)

from ..gws.bodies import MAX_BODY
from ..timeunits import DURATION_HELP, MAX_DURATION, US_PER_SECOND, format_duration, parse_duration
from .matchers import Code
from .times import AT_HELP, parse_at

FORMAT_VERSION = 1


def _number_as_text(value: Any) -> Any:
    """Let ``15000`` stand for ``"15000"``: YAML reads an unquoted DN as a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    WithJsonSchema({
        "anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(us|ms|s|min|m|h)?\s*$", "maxLength": 64},
                  {"type": "number", "minimum": 0, "maximum": MAX_DURATION // US_PER_SECOND}],
        "description": DURATION_HELP,
    }),
]
DN_NUMBER = re.compile(r"^\+?[0-9A-Za-z_.-]{1,64}$")  # a DN or phone number


def _dn_or_number(value: str) -> str:
    if not DN_NUMBER.match(value):
        raise ValueError(f"a DN or phone number is 1 to 64 digits, letters and + . _ -, not {value!r}"[:200])
    return value


Number = Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_dn_or_number),
                   WithJsonSchema({"anyOf": [{"type": "string", "pattern": DN_NUMBER.pattern},
                                             {"type": "integer", "minimum": 0}],  # YAML reads 15000 as a number
                                   "description": "a DN or a phone number"})]
def _not_reserved(name: str) -> str:
    if name == DEVICE_REFERENCE:
        raise ValueError(f"{{{DEVICE_REFERENCE}}} names the user's device in a gws step; give the call another name")
    return name


DEVICE_REFERENCE = "device"
CallName = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$",
                                description="a name for a call in this scenario, e.g. c1"),
                     AfterValidator(_not_reserved)]
Name = Annotated[str, Field(max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
PathName = Literal["userData", "userEvent", "rejected"]
Fate = Literal["reported", "superseded", "lost"]
PartyState = Literal["Dialing", "Ringing", "Established", "Held", "Released"]
INT64 = 2**63


def _user_data_value(value: Any) -> Any:
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, int) and -INT64 <= value < INT64:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise ValueError(f"a user-data value is text, a whole number (64-bit), a finite number or true/false, "
                     f"not {value!r}"[:200])


UserDataValue = Annotated[Any, AfterValidator(_user_data_value), WithJsonSchema(
    {"anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "integer", "minimum": -INT64, "maximum": INT64 - 1},
               {"type": "number"}]})]
UserData = dict[Annotated[StrictStr, Field(min_length=1)], UserDataValue]
"""Key-value pairs attached to a call: text keys; text, whole numbers (64-bit),
finite numbers or true/false as values (JSON has no NaN or infinity)."""
ExpectedData = dict[Annotated[StrictStr, Field(min_length=1)], Annotated[Any, AfterValidator(
    lambda value: value if value is None else _user_data_value(value))] | None]
"""User data an expectation looks for: a key with null must be absent."""


def json_value(value: Any, where: str = "") -> Any:
    """Check that ``value`` is plain JSON: text keys, finite numbers. Returns it unchanged.

    Raises ``ValueError`` naming the place inside ``value`` that is not.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where or 'the body'}: JSON keys are text; quote {key!r} as \"{key}\"")
            json_value(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            json_value(item, f"{where}[{index}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where or 'the body'}: {value} is not a JSON number")
    elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise ValueError(f"{where or 'the body'}: a whole number beyond 64 bits")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise ValueError(f"{where or 'the body'}: {type(value).__name__} is not a JSON value")
    return value


def _not_a_boolean(value: Any) -> Any:
    """``true`` is not a number of calls a second, nor a share."""
    if isinstance(value, bool):
        raise ValueError(f"a number, not {str(value).lower()}")
    return value


Real = Annotated[float, BeforeValidator(_not_a_boolean)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# -- the switch ---------------------------------------------------------------
class Shift(Strict):
    """When an agent works: logged in at ``start``, logged out at ``end``. An agent
    still on a call at the end logs out as it ends (after its after-call work)."""

    start: Duration = Field(0, description="the agent logs in (and takes its state) at this time")
    end: Duration | None = Field(None, description="the agent logs out at this time; unset: never")

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end: the shift ends after it starts: {format_duration(self.end)} is not after "
                             f"{format_duration(self.start)}")
        return self


class DNConfig(Strict):
    """A configured DN. An Extension may have an agent logged in at the start (or for a shift)."""

    type: Literal["Extension", "ACDQueue", "RoutingPoint"] = "Extension"
    agent: Name | None = Field(None, description="AgentID logged in on this DN at the start")
    state: Literal["Ready", "NotReady"] = Field("Ready", description="the agent's state at the start")
    target: Number | None = Field(None, description="RoutingPoint: the DN or number calls are routed to")
    wrap_up: Delay | None = Field(
        None, description="the agent goes to AfterCallWork for this long when a call ends (a duration, or a "
                          "distribution drawn per call), then Ready")
    shift: Shift | None = Field(None, description="when the agent is logged in; unset: from the start, for ever")
    queues: list[Number] | None = Field(None, min_length=1, max_length=100,
                                        description="the ACD queues the agent takes calls from (skills); unset: all")

    @model_validator(mode="after")
    def _fits_type(self) -> DNConfig:
        if self.agent is not None and self.type != "Extension":
            raise ValueError(f"an agent logs in on an Extension, not on a {self.type}")
        if self.shift is not None and self.agent is None:
            raise ValueError("a shift is when an agent works: give the DN an agent")
        if self.queues is not None and self.agent is None:
            raise ValueError("queues are the calls an agent takes: give the DN an agent")
        if self.wrap_up is not None and self.agent is None:
            raise ValueError("wrap_up is the after-call work of an agent: give the DN an agent")
        if self.type == "RoutingPoint" and self.target is None:
            raise ValueError("a RoutingPoint needs a target")
        if self.target is not None and self.type != "RoutingPoint":
            raise ValueError("only a RoutingPoint has a target")
        return self


class DelaySpec(Strict):
    """A delay drawn per message: fixed, uniform, exponential, or normal truncated at 0."""

    dist: Literal["fixed", "uniform", "exponential", "normal"]
    value: Duration | None = Field(None, description="fixed")
    low: Duration | None = Field(None, description="uniform: the smallest delay")
    high: Duration | None = Field(None, description="uniform: the largest delay")
    mean: Duration | None = Field(None, description="exponential, normal")
    sd: Duration | None = Field(None, description="normal: the standard deviation")

    @model_validator(mode="after")
    def _parameters(self) -> DelaySpec:
        needed = {"fixed": ("value",), "uniform": ("low", "high"), "exponential": ("mean",),
                  "normal": ("mean", "sd")}[self.dist]
        given = {k for k in ("value", "low", "high", "mean", "sd") if getattr(self, k) is not None}
        if set(needed) != given:
            raise ValueError(f"a {self.dist} delay takes {' and '.join(needed)}")
        if self.dist == "uniform" and self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("uniform: low is above high")
        return self


def duration_field(default_us: int, description: str) -> Any:
    """A duration field whose default the JSON Schema shows as a file would write it (``5ms``)."""
    return Field(default_us, description=description, json_schema_extra={"default": format_duration(default_us)})


def _delay_kind(value: Any) -> str:
    return "distribution" if isinstance(value, (dict, DelaySpec)) else "duration"


Delay = Annotated[
    Union[Annotated[Duration, Tag("duration")], Annotated[DelaySpec, Tag("distribution")]],
    Discriminator(_delay_kind),
]
"""A delay: a duration, or a mapping with ``dist`` (errors come from the form written)."""
DELAY_TAGS = ("duration", "distribution")


class Latency(Strict):
    """One-way delays along the path of a request and its answers.

    Defaults: the links between Web Services and T-Server and to reporting take
    5 ms each way — small, but never zero, so Web Services' view always trails
    T-Server a little, as in production. The desktop's HTTP and CometD legs and
    T-Server's processing take no time unless set, so a step's ``at`` is the
    instant Web Services receives the request.
    """

    desktop_to_gws: Delay = duration_field(0, "an HTTP request, desktop → Web Services")
    gws_to_tserver: Delay = duration_field(5_000, "a T-Library request, Web Services → T-Server")
    tserver_processing: Delay = duration_field(0, "T-Server handling a request, first come first served")
    tserver_to_gws: Delay = duration_field(5_000, "T-Library events, T-Server → Web Services")
    gws_to_desktop: Delay = duration_field(0, "CometD messages, Web Services → desktop")
    tserver_to_reporting: Delay = duration_field(5_000, "T-Library events, T-Server → reporting")

    def items(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name in type(self).model_fields]


class LatencyChange(Strict):
    """A step that changes delays from its instant on (a congested link, a slow T-Server)."""

    desktop_to_gws: Delay | None = None
    gws_to_tserver: Delay | None = None
    tserver_processing: Delay | None = None
    tserver_to_gws: Delay | None = None
    gws_to_desktop: Delay | None = None
    tserver_to_reporting: Delay | None = None

    @model_validator(mode="after")
    def _something(self) -> LatencyChange:
        if not self.model_fields_set:
            raise ValueError("name at least one delay to change")
        return self


MAX_GROUP_AGENTS = 50_000


class AgentGroup(Strict):
    """A block of agents on consecutive Extensions, logged in at the start: what a
    day of traffic needs instead of a DN written per agent. DNs are ``first_dn``,
    ``first_dn + 1``, …; agents ``<agent_prefix>1``, ``<agent_prefix>2``, …"""

    count: int = Field(ge=1, le=MAX_GROUP_AGENTS, description="how many agents")
    first_dn: Annotated[str, BeforeValidator(_number_as_text), Field(pattern=r"^[1-9][0-9]{0,14}$"),
                        WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^[1-9][0-9]{0,14}$"},
                                                  {"type": "integer", "minimum": 1, "maximum": 999_999_999_999_999}],
                                        "description": "the first agent's Extension (digits); the others follow "
                                                       "it"})] = Field(
        description="the first agent's Extension (digits); the others follow it")
    agent_prefix: Name = Field("agent", description="AgentIDs are this prefix and 1, 2, …")
    state: Literal["Ready", "NotReady"] = Field("Ready", description="the agents' state at the start")
    wrap_up: Delay | None = Field(
        None, description="each agent goes to AfterCallWork for this long when a call ends (a duration, or a "
                          "distribution drawn per call), then Ready")
    shift: Shift | None = Field(None, description="when the group's agents are logged in; unset: from the start, "
                                                   "for ever")
    queues: list[Number] | None = Field(None, min_length=1, max_length=100,
                                        description="the ACD queues the group's agents take calls from (skills); "
                                                    "unset: all")

    def dns(self) -> dict[str, DNConfig]:
        first = int(self.first_dn)
        # model_construct: the fields are valid already (a wrap-up in µs would be read again as seconds)
        return {str(first + i): DNConfig.model_construct(type="Extension", agent=f"{self.agent_prefix}{i + 1}",
                                                         state=self.state, target=None, wrap_up=self.wrap_up,
                                                         shift=self.shift, queues=self.queues)
                for i in range(self.count)}


class Switch(Strict):
    dns: dict[Number, DNConfig] = Field(default_factory=dict, description="the configured DNs")
    agent_groups: list[AgentGroup] = Field(default_factory=list, max_length=100,
                                           description="blocks of agents on consecutive Extensions")
    latency: Latency = Field(default_factory=Latency)
    consult_user_data: Literal["separate", "inherited", "joint"] = Field(
        "separate", description="T-Server's consult-user-data option: a consult call starts with no user data "
                                "(separate, the documented default), with a copy of the original call's "
                                "(inherited), or shares it (joint: an update on either call is an update of both)")
    _all: dict[str, DNConfig] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _merged(self) -> Switch:
        total = len(self.dns) + sum(group.count for group in self.agent_groups)
        if total > MAX_GROUP_AGENTS * 2:  # counted before any group is expanded
            raise ValueError(f"{total:,} DNs; at most {MAX_GROUP_AGENTS * 2:,} in one switch")
        merged = dict(self.dns)
        agents = {dn.agent: number for number, dn in merged.items() if dn.agent is not None}
        for i, group in enumerate(self.agent_groups):
            for number, dn in group.dns().items():
                if number in merged:
                    raise ValueError(f"agent_groups[{i}]: DN {number} is already configured")
                if dn.agent in agents:
                    raise ValueError(f"agent_groups[{i}]: agent {dn.agent} is already logged in on {agents[dn.agent]}")
                merged[number] = dn
                agents[dn.agent] = number  # type: ignore[index]
        if not merged:
            raise ValueError("configure at least one DN (dns) or agent group (agent_groups)")
        queues = {number for number, dn in merged.items() if dn.type == "ACDQueue"}
        for where, listed in [*((f"dns.{n}", dn.queues) for n, dn in self.dns.items()),
                              *((f"agent_groups[{i}]", g.queues) for i, g in enumerate(self.agent_groups))]:
            unknown = [q for q in listed or () if q not in queues]
            if unknown:
                raise ValueError(f"{where}.queues: {', '.join(unknown)} is not a configured ACDQueue")
        self._all = merged
        return self

    @property
    def all_dns(self) -> dict[str, DNConfig]:
        """Every configured DN: those under ``dns`` in file order, then the agent groups'."""
        return self._all


# -- Web Services and reporting -----------------------------------------------
class UserConfig(Strict):
    device: Number = Field(description="the DN of the user's device")
    password: str | None = Field(None, min_length=1, max_length=200,
                                 description="live mode (tsim serve): the user's password; default: generated")


class WebServicesConfig(Strict):
    disposition_key: Name = Field("DispositionCode", description="key used when a request names none")
    base_uri: str = "http://127.0.0.1:8080"
    fallback_to_user_event: bool = Field(
        False, description="after EventError on the userData path, send the disposition as a user event")
    users: dict[Name, UserConfig] | None = Field(
        None, description="default: one user per DN with an agent, named after the agent")
    call_completion: Literal["agent", "on_release", "after_retention"] = Field(
        "agent", description="when a released call leaves Web Services (then requests on it answer statusCode "
                             "6): when the agent completes it (operation Complete, which is Workspace API v3, not "
                             "GWS v2: a v2 desktop never sends it, so the call stays), at once on release, or "
                             "after `retention`")
    offer_mute: bool = Field(
        False, description="offer MuteCall/UnmuteCall on Established calls (the reference page's deployment "
                           "does not; the MuteCall page's does)")
    completion_notice: bool = Field(
        False, description="tell the desktop a call was completed with a last StatusChange, state Completed "
                           "(Workspace API v3 style; a GWS v2 desktop does not expect it)")
    retention: Duration = duration_field(3600 * US_PER_SECOND, "with after_retention: how long a released call "
                                                               "stays; and how long Web Services remembers a "
                                                               "completed call (its requests then answer 'completed "
                                                               "at', later 'not found')")


History = Literal["none", "first", "last", "all"]
FACTORY_DEFAULTS = {"store_event_data": "none", "userdata_history": "none"}
"""``preset: factory-defaults``: the values Genesys ships ICON with (research §2)."""


class ReportingConfig(Strict):
    preset: Literal["tsim", "factory-defaults"] = Field(
        "tsim", description="tsim: the documented deployment tsim models by default (every user event and "
                            "every attached-data change stored); factory-defaults: ICON as Genesys ships it "
                            "(store_event_data none, userdata_history none, no key in the attached-data "
                            "spec) — options given beside it win")
    attached_data: dict[Annotated[str, Field(min_length=1, max_length=64)], History] = Field(
        default_factory=dict, max_length=1000,
        description="ICON's attached-data spec (<public> keys): the history of each key in G_USERDATA_HISTORY "
                    "(none, first, last, all)")
    userdata_history: History = Field(
        "all", description="ICON [callconcentrator] adata-userdata-history: the history of keys the spec does "
                           "not list (Genesys ships none; tsim's default is all)")
    user_event_data_timeout: Duration = duration_field(3600 * US_PER_SECOND,
                                                       "Info Mart [gim-etl] user-event-data-timeout")
    store_event_data: Literal["all", "conf", "none"] = Field(
        "all", description="ICON [custom-states] store-event-data: all, conf (only the keys in event_data) or none "
                           "(ICON's factory default; tsim's default is all, a deployment set up to keep "
                           "dispositions sent as user events)")
    event_data: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None, description="with store_event_data: conf, the keys ICON's EventData section lists")
    propagation_rule: Literal["CALL", "PARTY", "IRF", "IRF_FIRST_UPDATE"] = Field(
        "CALL", description="Info Mart's propagation rule for the disposition key (CTL_UD_TO_UDE_MAPPING): which "
                            "value each agent leg keeps in reporting.sqlite — the call's last (CALL), the last "
                            "set by the leg's own DN (PARTY), the last or first set during the leg (IRF, "
                            "IRF_FIRST_UPDATE)")

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("preset") == "factory-defaults":
            return {**FACTORY_DEFAULTS, **data}
        return data

    @model_validator(mode="after")
    def _keys_with_conf(self) -> ReportingConfig:
        if (self.store_event_data == "conf") != (self.event_data is not None):
            raise ValueError("event_data (the EventData keys) goes with store_event_data: conf, and only with it")
        return self


# -- steps ----------------------------------------------------------------------
class DialStep(Strict):
    from_: Number = Field(alias="from", description="an Extension, or an external caller's number")
    to: Number
    user_data: UserData | None = None


class OnCall(Strict):
    dn: Number
    call: CallName


class AgentStep(Strict):
    dn: Number
    state: Literal["Ready", "NotReady", "AfterCallWork"]


class UserDataStep(Strict):
    """Data attached at T-Server level (an IVR or routing strategy), not through GWS."""

    dn: Number
    call: CallName
    data: UserData = Field(min_length=1)


class GwsStep(Strict):
    """One HTTP request from a user's desktop to Web Services."""

    user: Name
    post: str | None = None
    get: str | None = None
    body: Annotated[Any, AfterValidator(json_value)] = Field(
        None, description="the JSON body; in its text, {c1}, {c1.connId}, {c1.uri} name a scenario call, "
                          "{device} the user's device id, and {{ and }} stand for { and }")
    raw: str | None = Field(None, max_length=MAX_BODY,
                            description="instead of body: the body as raw text, sent as it is (it need not be "
                                        "JSON); {c1}, {c1.connId}, {c1.uri}, {device} are replaced, every other "
                                        "brace is kept")
    name: Name | None = Field(None, description="a name for this request, for `http` expectations")

    @model_validator(mode="after")
    def _one_method(self) -> GwsStep:
        if (self.post is None) == (self.get is None):
            raise ValueError("give exactly one of post or get")
        if self.raw is not None and self.body is not None:
            raise ValueError("give body (JSON) or raw (text), not both")
        return self

    @property
    def method(self) -> str:
        return "POST" if self.post is not None else "GET"

    @property
    def path(self) -> str:
        return self.post if self.post is not None else self.get  # type: ignore[return-value]


STEP_ACTIONS = ("dial", "answer", "hold", "retrieve", "hangup", "agent", "update_user_data", "gws", "latency")


class Step(Strict):
    """One action at a simulated time. Exactly one action key per step."""

    at: Annotated[int, PlainValidator(parse_at), WithJsonSchema({
        "anyOf": [{"type": "string", "maxLength": 200}, {"type": "number", "minimum": 0,
                                                          "maximum": MAX_DURATION // US_PER_SECOND}],
        "description": AT_HELP})]
    id: Name | None = Field(None, description="a name for this step, e.g. for `tsim sweep --vary ID.at=...`")
    call: CallName | None = Field(None, description="dial / gws Dial: the name the new call gets")
    note: str | None = Field(None, description="shown in the timeline, for trainees")
    dial: DialStep | None = None
    answer: OnCall | None = None
    hold: OnCall | None = None
    retrieve: OnCall | None = None
    hangup: OnCall | None = None
    agent: AgentStep | None = None
    update_user_data: UserDataStep | None = None
    gws: GwsStep | None = None
    latency: LatencyChange | None = Field(None, description="delays that change from this instant on")
    _action: str = PrivateAttr("")
    _relative: tuple[str, int] | None = PrivateAttr(None)

    @property
    def relative(self) -> tuple[str, int] | None:
        """(anchor, offset µs) when ``at`` was written relative to another step."""
        return self.__pydantic_private__["_relative"]  # type: ignore[index]  # the fast path

    @relative.setter
    def relative(self, value: tuple[str, int] | None) -> None:
        # A new private dict, never a change to the one it has: loaded steps share theirs
        # (``share_bookkeeping``), and a sweep's copies share them too.
        object.__setattr__(self, "__pydantic_private__", {**self.__pydantic_private__, "_relative": value})  # type: ignore[dict-item]

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [name for name in STEP_ACTIONS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a step has exactly one action ({', '.join(STEP_ACTIONS)}); "
                             f"got {', '.join(given) if given else 'none'}")
        if self.call is not None and given[0] not in ("dial", "gws"):
            raise ValueError("`call:` names the call a dial (or a gws Dial) creates; "
                             "other actions name their call inside the action")
        self._action = given[0]
        return self

    @property
    def action(self) -> str:
        return self.__pydantic_private__["_action"]  # type: ignore[index]  # the fast path, past __getattr__

    @property
    def args(self) -> Any:
        """The action's arguments (a ``DialStep``, ``OnCall``, ``GwsStep``...)."""
        return getattr(self, self.action)


def share_bookkeeping(steps: list[Step]) -> None:
    """Let loaded steps share pydantic's bookkeeping where it is equal: the set of fields
    each model was given, and a step's private attributes (its action, its relative time).

    A long script is mostly steps (four per call), and those two made up about 600 of a
    step's 1,600 bytes. It is safe because neither is changed in place once loaded: a
    field set again (``at``, when times are resolved again) is always among those given,
    and ``Step.relative`` replaces the private dict rather than changing it."""
    field_sets: dict[frozenset[str], set[str]] = {}
    privates: dict[tuple[Any, ...], dict[str, Any]] = {}
    for step in steps:
        for model in (step, step.args):
            given = model.__pydantic_fields_set__
            one = field_sets.setdefault(frozenset(given), given)
            if one is not given:
                object.__setattr__(model, "__pydantic_fields_set__", one)
        private = step.__pydantic_private__
        assert private is not None, "a Step has private attributes"
        key = tuple(private.items())
        shared = privates.setdefault(key, private)
        if shared is not private:
            object.__setattr__(step, "__pydantic_private__", shared)


# -- expectations --------------------------------------------------------------
class Window(Strict):
    after: Duration | None = Field(None, description="only at or after this time")
    before: Duration | None = Field(None, description="only at or before this time")


class DispositionExpect(Strict):
    """What the disposition record(s) of a call (or of one named request) say."""

    call: CallName | None = None
    request: Name | None = None
    nth: int | None = Field(None, ge=1, le=1_000_000,
                            description="the nth disposition on the call (default: every one)")
    path: PathName | None = Field(None, description="the path Web Services chose")
    finalPath: PathName | None = Field(None, description="the path it ended on: the fallback's, if one was sent")
    statusCode: Code | None = None
    httpStatus: Code | None = None
    view: PartyState | None = Field(None, description="GWS's view of the call when the request arrived")
    tserver: str | None = Field(None, description="T-Server outcome event name, or 'none'")
    errorCode: Code | None = None
    cometd: bool | None = Field(None, description="a CometD message went out for it")
    reporting: Fate | None = None
    holds: str | None = Field(None, description="the value reporting ends with under the record's key")
    icon: bool | None = Field(None, description="ICON stored it (a G_USERDATA_HISTORY or G_CUSTOM_DATA_S row)")
    infoMart: Literal["own leg", "own and another leg", "another leg", "no leg"] | None = Field(
        None, description="which agent leg Info Mart keeps it on (IRF_USER_DATA_CUST_1)")
    reason: str | None = Field(None, description="words the record's reason contains")

    @model_validator(mode="after")
    def _names_something(self) -> DispositionExpect:
        if self.call is None and self.request is None:
            raise ValueError("name the call or the request")
        return self


class DispositionsExpect(Strict):
    """How many disposition records (of a call, or of the run) match."""

    call: CallName | None = None
    path: PathName | None = None
    finalPath: PathName | None = None
    reporting: Fate | None = None
    count: int = Field(ge=0, le=10**9, description="exactly this many")


class ReportingExpect(Strict):
    call: CallName
    userData: UserData | None = Field(None, description="these keys hold these values")
    missing: list[str] | None = Field(None, description="these keys are absent")
    ended: bool | None = None


class CometdExpect(Window):
    user: Name | None = None
    call: CallName | None = None
    channel: str | None = None
    messageType: str | None = None
    notificationType: str | None = None
    state: PartyState | Literal["Completed", "Ready", "NotReady", "LoggedOut"] | None = Field(
        None, description="the call's state, or the agent's on /v2/me/devices")
    workMode: Literal["AfterCallWork", "AuxWork"] | None = None
    userData: ExpectedData | None = Field(None, description="the call's userData holds these (null: the key is "
                                                            "absent)")
    hasUserData: bool | None = Field(None, description="the call has userData at all (false after DeleteUserData)")
    offers: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None, max_length=50, description="the call's capabilities include these operations")
    lacks: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None, max_length=50, description="the call's capabilities include none of these operations")
    fields: dict[Annotated[str, Field(max_length=200)], Any] | None = Field(
        None, max_length=50, description="fields of the message's data, by dotted path, hold these values, e.g. "
                                         "{'devices.0.userState.displayName': 'Not Ready', 'call.duration': '60'}")
    count: int | None = Field(None, ge=0, le=10**9, description="exactly this many (default: at least one)")


class TlibExpect(Window):
    event: str = Field(max_length=64, description="an event or request name, e.g. EventError; * and ? match "
                                                  "any text (Request* is every request)")
    dn: Number | None = None
    call: CallName | None = None
    errorCode: Code | None = None
    userData: ExpectedData | None = Field(None, description="its UserData holds these (null: the key is absent)")
    attrs: dict[str, Any] | None = Field(None, description="its attributes hold these values, e.g. "
                                                           "{ThirdPartyDN: '15000'}; '{c1.connId}' and '{c1}' "
                                                           "stand for a scenario call's ConnID and CallUuid")
    count: int | None = Field(None, ge=0, le=10**9, description="exactly this many (default: at least one)")


class HttpExpect(Strict):
    request: Name
    status: Code | None = None
    statusCode: Code | None = None
    fields: dict[Annotated[str, Field(max_length=200)], Any] | None = Field(
        None, max_length=50, description="fields of the answer's body, by dotted path, hold these values, e.g. "
                                         "{'call.duration': '60'}")


class SqlExpect(Strict):
    """A query on the run's reporting tables (reporting.sqlite) and the rows it must return."""

    query: str = Field(min_length=1, max_length=4000, description="one SELECT on the tables of `tsim schema "
                                                                  "--reporting`; '{c1}' and '{c1.connId}' stand "
                                                                  "for a scenario call's ids")
    rows: list[list[Any]] = Field(max_length=1000, description="exactly these rows, in this order (ORDER BY in "
                                                               "the query makes it certain)")


EXPECT_KINDS = ("disposition", "dispositions", "reporting", "cometd", "no_cometd", "tlib", "no_tlib", "http", "sql")


class Expectation(Strict):
    disposition: DispositionExpect | None = None
    dispositions: DispositionsExpect | None = None
    reporting: ReportingExpect | None = None
    cometd: CometdExpect | None = None
    no_cometd: CometdExpect | None = None
    tlib: TlibExpect | None = None
    no_tlib: TlibExpect | None = None
    http: HttpExpect | None = None
    sql: SqlExpect | None = None
    _kind: str = PrivateAttr("")

    @model_validator(mode="after")
    def _one_kind(self) -> Expectation:
        given = [name for name in EXPECT_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"an expectation has exactly one of {', '.join(EXPECT_KINDS)}; "
                             f"got {', '.join(given) if given else 'none'}")
        self._kind = given[0]
        return self

    @property
    def kind(self) -> str:
        return self.__pydantic_private__["_kind"]  # type: ignore[index]  # the fast path, past __getattr__

    @property
    def args(self) -> Any:
        """The expectation's arguments (a ``DispositionExpect``, ``TlibExpect``...)."""
        return getattr(self, self.kind)


MAX_TRAFFIC_CALLS = 2_000_000


class HoldHabit(Strict):
    """Agents put a share of calls on hold for a while, during the talk (the caller may
    hang up while held)."""

    share: Real = Field(ge=0, le=1, description="the share of answered calls put on hold")
    after: Delay = Field(description="how long into the talk the agent presses hold (none if the talk is over)")
    duration: Delay = Field(description="how long the call stays held before the agent retrieves it")


MIN_BREAK_EVERY = 60 * US_PER_SECOND


class BreakHabit(Strict):
    """Agents take breaks: each one, ``every`` after the start or their last break,
    goes NotReady for ``duration`` — at once if free, else as their call ends."""

    every: Delay = Field(description="time between an agent's breaks (from the start, then from each return): "
                                     "at least a minute, on average")
    duration: Delay = Field(description="how long a break lasts; then the agent is Ready again")

    @model_validator(mode="after")
    def _finite(self) -> BreakHabit:
        """Breaks a minute apart at least (on average): a day of them is a finite number."""
        spec = self.every
        typical = spec if isinstance(spec, int) else \
            {"fixed": spec.value, "uniform": ((spec.low or 0) + (spec.high or 0)) // 2}.get(spec.dist, spec.mean)
        if typical is None or typical < MIN_BREAK_EVERY:
            raise ValueError(f"every: an agent's breaks are at least {format_duration(MIN_BREAK_EVERY)} apart (on "
                             f"average), not {format_duration(typical or 0)}")
        return self


class RatePeriod(Strict):
    """Calls arrive at ``rate`` a second until ``until`` (from the previous period's end)."""

    until: Duration
    rate: Real = Field(ge=0, le=10_000, description="arrivals per second in this interval (0: none)")


class DispositionHabit(Strict):
    """When agents pick a disposition, relative to leaving the call (the caller's hang-up, or a transfer)."""

    share: Real = Field(1.0, ge=0, le=1, description="the share of calls an agent disposes")
    before_release: Delay | None = Field(
        None, description="clicked this long before the caller hangs up (the userData path, if Web Services "
                          "still sees the call)")
    after_release: Delay | None = Field(None, description="clicked this long after the release (the userEvent path)")
    before_share: Real = Field(0.5, ge=0, le=1, description="with both: the share clicked before the release")
    codes: dict[Annotated[str, Field(min_length=1, max_length=128)], Annotated[float, Field(gt=0, le=1)]] = Field(
        default_factory=lambda: {"Done": 1.0}, min_length=1, max_length=1000,
        description="the disposition codes agents pick, each with its share (they add up to 1); every agent on a "
                    "call (a transfer's two) picks their own")
    consult_view: Real = Field(
        0, ge=0, le=1,
        description="after a two-step transfer (transfer.how: two_step), the share of the consulted agent's "
                    "dispositions sent on the consult call's id: the call their desktop showed when it rang, which "
                    "Web Services no longer knows once the transfer is complete (statusCode 6)")

    @model_validator(mode="after")
    def _when(self) -> DispositionHabit:
        if self.before_release is None and self.after_release is None:
            raise ValueError("give before_release, after_release or both")
        total = math.fsum(self.codes.values())
        if abs(total - 1) > 1e-9:
            raise ValueError(f"codes: the shares add up to 1, not {total:g}")
        return self


class TransferHabit(Strict):
    """Agents transfer a share of the calls they answer, from the desktop (a request
    through Web Services): in one step (SingleStepTransfer: the call rings at ``to``
    and the agent leaves it), or in two (InitiateTransfer: the call goes on hold and a
    consult call rings at ``to``; the agent talks with whoever answers it for
    ``consult``, then CompleteTransfer; nobody answering within ``consult_patience``,
    they hang the consult call up and retrieve the caller). The agent who takes the
    call over talks for a ``talk`` of their own; a call is transferred once at most."""

    share: Real = Field(ge=0, le=1, description="the share of answered calls the agent transfers")
    to: Number = Field(description="where: a queue, a routing point or an agent's Extension")
    after: Delay = Field(description="how long into the talk the agent transfers")
    how: Literal["single_step", "two_step"] = Field("single_step", description="one step, or through a consult call")
    consult: Delay = duration_field(0, "two_step: how long the agent talks with the consulted party before "
                                       "completing the transfer")
    consult_patience: Delay = duration_field(
        60_000_000, "two_step: how long the agent waits for someone to answer the consult call; then they hang it "
                    "up and, a second later, retrieve the caller (Hangup, Retrieve), and the call goes on with them "
                    "for a talk")


class TrafficTarget(Strict):
    """One of the DNs traffic arrives at, and the share of the calls that arrive there."""

    dn: Number
    share: Real = Field(gt=0, le=1, description="the share of the calls that arrive at this DN")


def _target_kind(value: Any) -> str | None:
    if isinstance(value, list):
        return "several"
    return "one" if isinstance(value, (str, int)) and not isinstance(value, bool) else None


TrafficTo = Annotated[
    Union[Annotated[Number, Tag("one")], Annotated[list[TrafficTarget], Tag("several")]],
    Discriminator(_target_kind, custom_error_type="traffic_to",
                  custom_error_message="a DN, or a list of {dn, share}"),
]
"""Where traffic arrives: one DN, or several by share (errors come from the form written)."""
TARGET_TAGS = ("one", "several")


class Traffic(Strict):
    """Calls generated rather than scripted: Poisson arrivals into a DN (a queue or a
    routing point), or spread over several by share, answered by the agents
    configured on the switch."""

    rate: Real | None = Field(None, gt=0, le=10_000, description="arrivals per second (Poisson), until duration")
    duration: Duration | None = Field(None, description="with rate: how long calls keep arriving, from 0")
    rates: list[RatePeriod] | None = Field(
        None, min_length=1, max_length=10_000,
        description="a rate per interval (Poisson, piecewise constant): each applies from the previous one's "
                    "until (0 for the first) to its own; none arrive after the last")
    arrivals: str | None = Field(
        None, min_length=1, max_length=4096,
        description="a CSV file (relative to the scenario file) of arrival times, one a line, in the first "
                    "column: seconds (28800.5) or a duration in one unit (8h, 510min); a first line that is not a "
                    "time is a header")
    to: TrafficTo = Field(
        description="the DN calls arrive at: an ACDQueue, a RoutingPoint or an agent's Extension; or a list of "
                    "{dn, share}, each call going to one of them (the shares add up to 1)")
    answer_after: Delay = duration_field(0, "how long a call rings at an agent before the agent answers")
    talk: Delay = Field(description="how long the caller talks once answered; then the caller hangs up (or the "
                                    "agent, see agent_hangs_up)")
    agent_hangs_up: Real = Field(
        0, ge=0, le=1, description="the share of calls the agent ends when the talk is over, with Hangup from the "
                                   "desktop (through Web Services); the caller ends the others")
    patience: Delay | None = Field(None, description="a caller not answered by then hangs up (abandons)")
    dispositions: DispositionHabit | None = Field(None, description="the agents' disposition behaviour")
    hold: HoldHabit | None = Field(None, description="the agents' hold behaviour, during the talk")
    transfer: TransferHabit | None = Field(None, description="the agents' transfers, during the talk")
    breaks: BreakHabit | None = Field(None, description="the agents' breaks (NotReady) over the day")
    done_after: Delay | None = Field(
        None, description="the agent marks the call Done (operation Complete, Workspace API v3) this long after "
                          "their last action on it. Unset: they do not, and with call_completion agent every "
                          "released call stays in Web Services (a long day then needs on_release or "
                          "after_retention to keep memory bounded)")

    _times: tuple[int, ...] = PrivateAttr(())  # the arrivals file's times, µs, read by the loader

    def targets(self) -> list[tuple[str, float]]:
        """The DNs calls arrive at, each with its share."""
        return [(self.to, 1.0)] if isinstance(self.to, str) else [(t.dn, t.share) for t in self.to]

    def expected_calls(self) -> float:
        """How many calls the traffic brings (on average, for a rate)."""
        if self.rates is not None:
            starts = [0] + [period.until for period in self.rates[:-1]]
            return sum(p.rate * (p.until - start) for p, start in zip(self.rates, starts, strict=True)) / 1_000_000
        if self.arrivals is not None:
            return float(len(self._times))
        return (self.rate or 0) * (self.duration or 0) / 1_000_000

    @model_validator(mode="after")
    def _bounded(self) -> Traffic:
        given = [name for name in ("rate", "rates", "arrivals") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of rate (with duration), rates or arrivals; got "
                             f"{', '.join(given) or 'none'}")
        if (self.rate is None) != (self.duration is None):
            raise ValueError("rate and duration go together: calls arrive at rate until duration")
        if isinstance(self.to, list):
            total = math.fsum(t.share for t in self.to)
            if not self.to or abs(total - 1) > 1e-9:
                raise ValueError(f"to: the shares add up to 1, not {total:g}")
            seen = [t.dn for t in self.to]
            twice = sorted({dn for dn in seen if seen.count(dn) > 1})
            if twice:
                raise ValueError(f"to: {', '.join(twice)} is listed twice")
        if self.rates is not None:
            for i, (before, after) in enumerate(zip(self.rates, self.rates[1:], strict=False)):
                if after.until <= before.until:
                    raise ValueError(f"rates[{i + 1}].until: the intervals follow each other: "
                                     f"{format_duration(after.until)} is not after {format_duration(before.until)}")
        if self.dispositions is not None and self.dispositions.consult_view and \
                (self.transfer is None or self.transfer.how != "two_step"):
            raise ValueError("dispositions.consult_view: a consult call's id is only seen after a two-step "
                             "transfer (transfer: {how: two_step, ...})")
        expected = self.expected_calls()
        if expected > MAX_TRAFFIC_CALLS:
            raise ValueError(f"the traffic brings {expected:,.0f} calls; at most {MAX_TRAFFIC_CALLS:,} in one run")
        return self


class Scenario(Strict):
    """A tsim scenario: a switch, Web Services, a script of steps, and what must happen."""

    version: Literal[1] = Field(description="the scenario format version")
    name: Name = Field(description="also the report folder's name")
    description: str = Field(max_length=20_000)
    group: str | None = Field(None, max_length=80, description="a heading the run's index page lists the "
                                                                 "scenario under, e.g. 'timing'")
    seed: Annotated[StrictInt, Field(ge=0, lt=INT64)] = 1
    epoch: Annotated[StrictInt, Field(ge=0, le=4_102_444_800)] = Field(
        1_767_603_600, description="T-Library event time at t=0, seconds since 1970 (up to the year 2100)")
    tie_break: Literal["fifo", "random"] = Field(
        "fifo", description="order of events at the same instant: fifo (file order) or seeded random")
    switch: Switch
    web_services: WebServicesConfig = Field(default_factory=lambda: WebServicesConfig())
    reporting: ReportingConfig = Field(default_factory=lambda: ReportingConfig())
    steps: list[Step] = Field(default_factory=list)
    traffic: Traffic | None = Field(None, description="calls generated beside the scripted steps")
    expect: list[Expectation] = Field(default_factory=list)

    def users(self) -> dict[str, str]:
        """User name → device DN (explicit, or one per agent)."""
        if self.web_services.users is not None:
            return {name: user.device for name, user in self.web_services.users.items()}
        return {dn.agent: number for number, dn in self.switch.all_dns.items() if dn.agent is not None}
