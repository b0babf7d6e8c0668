"""Shared contracts: the one place that defines events, refusals, labels and card hashes."""
