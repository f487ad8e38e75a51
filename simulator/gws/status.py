"""GWS ``statusCode`` values and the HTTP status each answer carries.

The codes are the documented table (facts §1.2). GWS documents only HTTP 200
(statusCode 0), 503 (statusCode 4, T-Server link down) and 403 (CSRF). The
rest of the mapping is tsim's choice, marked (inference) in the facts file:
400 for 1, 2 and 10; 404 for 6; 403 for 3 and 5; 401 for 20; 500 otherwise.
"""

from __future__ import annotations

SUCCESS = 0
MISSING_PARAMETER = 1
INVALID_STATE = 2
FORBIDDEN = 3
INTERNAL_ERROR = 4
NO_PERMISSION = 5
NOT_FOUND = 6
INPUT_VALIDATION = 10
NOT_AUTHENTICATED = 20

MEANINGS: dict[int, str] = {
    0: "Success",
    1: "A required parameter is missing",
    2: "A parameter is not valid for the current state",
    3: "Operation forbidden",
    4: "Internal error",
    5: "The user lacks permission",
    6: "Requested resource not found",
    7: "Partial success",
    8: "Password change demanded",
    9: "Processing incomplete",
    10: "Input validation error",
    11: "Attempt to change a read-only property",
    12: "Unable to retrieve resource",
    13: "Unable to create resource",
    14: "Unable to delete resource",
    15: "Unable to update resource",
    16: "Unable to assign resource",
    17: "Unable to unassign resource",
    18: "Resource already exists",
    19: "Resource already in use",
    20: "User not authenticated",
}

HTTP_STATUS: dict[int, int] = {
    SUCCESS: 200,
    MISSING_PARAMETER: 400,
    INVALID_STATE: 400,
    INPUT_VALIDATION: 400,
    FORBIDDEN: 403,
    NO_PERMISSION: 403,
    NOT_FOUND: 404,
    NOT_AUTHENTICATED: 401,
    INTERNAL_ERROR: 503,  # documented: "Voice service is not available at this time"
}


def http_status(status_code: int) -> int:
    return HTTP_STATUS.get(status_code, 500)


class GwsError(Exception):
    """A request GWS refuses synchronously: an HTTP error with statusCode and statusMessage."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message

    def body(self) -> dict:
        return {"statusCode": self.status_code, "statusMessage": self.message}
