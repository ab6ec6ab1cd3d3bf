"""A live status line for text-mode runs: claims done and time elapsed, refreshed every second.

Each claim's block is printed above the bar as it finishes, so a long claim shows the
clock moving instead of a silent terminal.  Without a terminal (or without tqdm) the
blocks are printed as plain lines and nothing else.
"""
from __future__ import annotations

import threading


class ClaimProgress:
    def __init__(self, enabled: bool = True, interval: float = 1.0):
        self._bar = None
        self._stop = threading.Event()
        self._thread = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=None, unit="claim", desc="claims", leave=False,
                             dynamic_ncols=True)
            self._thread = threading.Thread(target=self._refresh, args=(interval,), daemon=True)
            self._thread.start()

    def _refresh(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._bar.refresh()

    def emit(self, text: str) -> None:
        if self._bar is None:
            print(text, flush=True)
        else:
            self._bar.write(text)
            self._bar.update(1)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
