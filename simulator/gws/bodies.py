"""Request bodies of the v2 voice operations, validated with pydantic.

Unknown fields are ignored, as a JSON API usually does. A missing required
field answers statusCode 1; a field of the wrong type or an empty string where
a value is needed answers statusCode 10.

SetCallDisposition follows the reference page: ``callUuid`` and
``disposition`` are required; ``dispositionKey`` is optional (the server's
configured key is used); (inference) ``callUri`` is optional here because the
path already names the call (the page does not say) — when given, it must name
the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError

from .. import strictjson
from .status import INPUT_VALIDATION, MISSING_PARAMETER, GwsError

NonEmpty = Annotated[StrictStr, Field(min_length=1)]
UserData = dict[NonEmpty, Union[StrictStr, int, float, bool]]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")
    operationName: StrictStr


class NoParameters(Body):
    """Answer, Hangup, Hold, Retrieve, DeleteUserData."""


class UserDataBody(Body):
    """AttachUserData, UpdateUserData."""

    userData: Annotated[UserData, Field(min_length=1)]


class SendDtmfBody(Body):
    """SendDtmf: ``digits``, a string of 0–9 (facts §1.5; * and # are accepted too)."""

    digits: Annotated[StrictStr, Field(min_length=1, pattern=r"^[0-9*#]+$")]


class DeletePairBody(Body):
    key: NonEmpty


class SetCallDispositionBody(Body):
    operationName: Literal["SetCallDisposition"]
    callUri: NonEmpty | None = None
    callUuid: NonEmpty
    disposition: NonEmpty
    dispositionKey: NonEmpty | None = None


class Destination(BaseModel):
    model_config = ConfigDict(extra="ignore")
    phoneNumber: NonEmpty


class DestinationBody(Body):
    """InitiateTransfer, InitiateConference, SingleStepTransfer, SingleStepConference."""

    destination: Destination
    location: StrictStr | None = None
    userData: UserData | None = None


class CompleteConsultBody(Body):
    """CompleteTransfer, CompleteConference: the consult call, or GWS finds it."""

    consultCallUri: NonEmpty | None = None


class SwapCallsBody(Body):
    """SwapCalls: the other call (``otherCallUri``, documented); (inference) left out,
    GWS takes the user's one other call that can be swapped with this one."""

    otherCallUri: NonEmpty | None = None


class DialBody(Body):
    operationName: Literal["Dial"]
    destination: Destination
    location: StrictStr | None = None
    userData: UserData | None = None
    outboundCallerId: StrictStr | None = None


class ParticipantBody(Body):
    """RemoveParticipantFromConference: the party's phone number."""

    participant: NonEmpty


def _whole_seconds(value: Any) -> Any:
    """``wrapUpTime`` as the AfterCallWork page writes it (``"0"``), or as a number."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 9:
        return int(value)
    return value


class AgentStateBody(Body):
    """AfterCallWork, AuxWork, Ready, NotReady on /channels/voice."""

    wrapUpTime: Annotated[int, BeforeValidator(_whole_seconds), Field(ge=0, le=86_400, strict=True)] | None = None


B = TypeVar("B", bound=Body)
MAX_BODY = 1 << 20  # bytes (characters, as a scenario's raw text) of a request body at most


@dataclass(frozen=True)
class RawBody:
    """A request body as raw text, as it came over HTTP; Web Services parses it as JSON."""

    text: str

    def parsed(self) -> Any:
        """The JSON value, or GwsError statusCode 10 if the text is not JSON tsim reads (``strictjson``)."""
        try:
            return strictjson.loads(self.text)
        except strictjson.JsonRefused as exc:
            raise GwsError(INPUT_VALIDATION, f"Input validation error: the body is {exc}") from None


def parse(model: type[B], body: Any) -> B:
    """Validate ``body``; on failure raise GwsError with the documented statusCode."""
    if not isinstance(body, dict):
        raise GwsError(INPUT_VALIDATION, "Input validation error: the body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _as_gws_error(exc) from None


def _as_gws_error(exc: ValidationError) -> GwsError:
    errors = exc.errors(include_url=False)
    missing = [e for e in errors if e["type"] == "missing"]
    first = (missing or errors)[0]
    field = ".".join(str(part) for part in first["loc"])
    if missing:
        return GwsError(MISSING_PARAMETER, f"A required parameter is missing: {field}")
    return GwsError(INPUT_VALIDATION, f"Input validation error: {field}: {first['msg']}")
