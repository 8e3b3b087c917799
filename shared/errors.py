"""The small typed error hierarchy. Plain Python: the domain raises these, shared.web turns them
into RFC 9457 problem details in one handler."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    rule: str | None = None


class SocregError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, rule: str | None = None, errors: list[FieldError] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.errors = list(errors or [])


class InvalidInput(SocregError):
    status, title, type_slug = 422, "Invalid input", "invalid-input"


class NotFound(SocregError):
    status, title, type_slug = 404, "Not found", "not-found"


class RuleViolation(SocregError):
    """A rule forbids the action (409 with the rule named)."""

    status, title, type_slug = 409, "Rule forbids this action", "rule-violation"


class Conflict(SocregError):
    status, title, type_slug = 409, "Conflict", "conflict"


class Unauthorized(SocregError):
    status, title, type_slug = 401, "Not authenticated", "unauthorized"


class Forbidden(SocregError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class PayloadTooLarge(SocregError):
    status, title, type_slug = 413, "Payload too large", "payload-too-large"


class Unavailable(SocregError):
    status, title, type_slug = 503, "Service unavailable", "unavailable"


@dataclass
class RuleFailures:
    """Collects every failing registration rule so the caller sees them all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str, rule: str) -> None:
        self.errors.append(FieldError(field_name, message, rule))

    def raise_if_any(self, exc: type[SocregError] = InvalidInput) -> None:
        if self.errors:
            first = self.errors[0]
            raise exc("; ".join(e.message for e in self.errors), rule=first.rule, errors=self.errors)
