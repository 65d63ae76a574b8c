"""Measuring one clustering run: wall and CPU seconds, and peak resident memory growth."""
from __future__ import annotations

import threading
import time
from typing import Callable, Optional

import numpy as np


class PeakRSS:
    """Highest RSS (bytes) seen by a 5 ms sampler while the block runs, minus the RSS before it."""

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.peak_delta: Optional[int] = None

    def __enter__(self):
        try:
            import psutil
        except ImportError:   # pragma: no cover - psutil is in the dev extra
            self._proc = None
            return self
        self._proc = psutil.Process()
        self._base = self._proc.memory_info().rss
        self._peak = self._base
        self._stop = threading.Event()

        def run():
            while not self._stop.is_set():
                try:
                    self._peak = max(self._peak, self._proc.memory_info().rss)
                except Exception:  # noqa: BLE001
                    pass
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._proc is None:
            return False
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, self._proc.memory_info().rss)
        self.peak_delta = self._peak - self._base
        return False


def measure(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float, float, Optional[int]]:
    """(labels, wall seconds, CPU seconds of the whole process, peak RSS growth in bytes)."""
    import gc

    gc.collect()
    with PeakRSS() as mem:
        c0, t0 = time.process_time(), time.perf_counter()
        labels = fn()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return np.asarray(labels), seconds, cpu, mem.peak_delta
