"""Signals orgs sends for the apps above it (which connect to them at start-up), so orgs never
imports them."""

from __future__ import annotations

from django.dispatch import Signal

# A region got a new parent: its materialised path changed from `old_path` to `new_path`.
# Apps that denormalise region paths (cases) rewrite theirs in the same transaction.
region_moved = Signal()
