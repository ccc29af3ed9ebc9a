"""The on-track rules live in `indicators.ontrack`: a period's results are judged by them too
(`reporting.results`); the dashboards read them from here."""

from indicators.ontrack import *  # noqa: F403
