"""The clock routes read (app/core/clock.py); kept under this name for the modules that
import it from here."""

from app.core.clock import Clock, ClockDep, get_clock, system_now

__all__ = ["Clock", "ClockDep", "get_clock", "system_now"]
