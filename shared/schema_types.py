"""Constrained input types for request bodies: bounded, trimmed, and free of control characters."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ud800-\udfff]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters (line breaks and tabs included)")
    return value


def _no_control_but_lines(value: str) -> str:
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError("must not contain control characters")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100),
                 AfterValidator(_no_control)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                      AfterValidator(_no_control)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
                     AfterValidator(_no_control_but_lines)]
