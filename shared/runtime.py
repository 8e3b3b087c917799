"""Background workers of one service process: the outbox relay and the event consumers, each on
its own thread, stopped together."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Workers:
    name: str
    loops: list[tuple[str, Callable[[threading.Event], None]]] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def add(self, label: str, loop: Callable[[threading.Event], None]) -> None:
        self.loops.append((label, loop))

    def start(self) -> None:
        self.stop_event.clear()
        for label, loop in self.loops:
            thread = threading.Thread(target=loop, args=(self.stop_event,), name=f"{self.name}-{label}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
        self.threads = []
