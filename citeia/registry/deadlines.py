"""Deadlines and delays of explanation requests (pure, no Django).

The administration answers an individual explanation request within one month
(CRPA R311-13 by reference from R311-3-1-2); an organisation may commit to less.
"""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the last day of the month when that day does not exist
    (31 January + 1 month = 28 or 29 February)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_date(received: date, response_days: int | None = None) -> date:
    """When the answer is due: `response_days` after reception, one month by default."""
    if response_days:
        return received + timedelta(days=response_days)
    return add_months(received, 1)


def days_late(due: date, today: date) -> int:
    """0 while on time, else the number of days past the due date."""
    return max((today - due).days, 0)


def median_delay_days(delays: Iterable[int]) -> float | None:
    values = list(delays)
    return float(median(values)) if values else None


def erase_after(answered: date, retention_days: int) -> date:
    """The day from which a requester's personal data are erased."""
    return answered + timedelta(days=retention_days)
