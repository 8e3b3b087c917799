"""Small helpers shared by the inspection pages' forms: redirect-after-post with a message, and a
handler's refusal turned into the errors a form shows."""
from __future__ import annotations

from fastapi.responses import RedirectResponse

from shared.errors import SocregError

DONE_MESSAGES = ("queue.drawn", "task.notice_sent", "task.recorded", "review.done", "notice.responded",
                 "credit.included", "credit.removed", "credit.applied", "credit.decided", "sanction.proposed")


def done(url: str, message: str, **params: str | int) -> RedirectResponse:
    """303 to `url` (post/redirect/get), the page then shows `message`."""
    path, _, fragment = url.partition("#")
    query = "&".join([f"done={message}", *(f"{k}={v}" for k, v in params.items())])
    target = f"{path}{'&' if '?' in path else '?'}{query}" + (f"#{fragment}" if fragment else "")
    return RedirectResponse(target, status_code=303)


def done_key(value: str | None) -> str | None:
    """Only known message keys come back from the query string."""
    return value if value in DONE_MESSAGES else None


def refusal(exc: SocregError, names: dict[str, str] | None = None, default: str = "form") -> dict[str, str]:
    """A handler's refusal as form errors: its field errors where it named fields, else its detail."""
    found = {(names or {}).get(e.field, default): e.message for e in exc.errors}
    rule = f" （{exc.rule}）" if exc.rule else ""
    return found or {default: f"{exc.detail}{rule}"}
