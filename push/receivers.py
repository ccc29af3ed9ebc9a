"""The push's receiver of the reporting workflow's events (connected in `push.apps`)."""

from push.services import push_period_record


def period_closed_record_push(sender, *, period, **kwargs) -> None:
    push_period_record(period=period)
