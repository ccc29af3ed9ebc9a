"""Events of the reporting workflow that apps above it act on.

Reporting sits below the apps that follow a period's approval (the push to the province,
`push/`), so it cannot call them; it sends these inside its own transaction instead, and each
receiver records its work in that same transaction (an outbox row), never a side effect.
"""

from django.dispatch import Signal

# A commune's period was closed: its approved figures are final until it is reopened.
# Sent with `period` (locked for update, `closed_at` set) inside period_close's transaction.
period_closed = Signal()
