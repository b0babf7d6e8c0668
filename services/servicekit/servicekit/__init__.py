"""Shared plumbing for the custody, incident and notify services (no domain code here)."""
