"""Commands of the draws that bind (issue 12): the external value of a draw, a redraw, a substitute."""
from __future__ import annotations

from dataclasses import dataclass

from services.inspection.domain.binding import RandomSource


@dataclass(frozen=True)
class EnterPublicRandom:
    """The announced external value of a committed draw (e.g. the lottery's numbers), entered once."""

    draw_id: str
    value: str
    by: str


@dataclass(frozen=True)
class Redraw:
    """A new attempt at a drawn round, with its reason; a scheduled plan's redraw names its own value."""

    draw_id: str
    reason: str
    by: str
    random_source: RandomSource | None = None


@dataclass(frozen=True)
class Substitute:
    """Replace a drawn inspector of a task by the draw's next pick (step 8), with the reason."""

    task_id: str
    replaced: str
    reason: str
    by: str

