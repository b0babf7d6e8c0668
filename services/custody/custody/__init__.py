"""Custody service: the asset ledger, checkout and return, overdue detection."""
