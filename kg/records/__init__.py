"""Flat records of indicators and their context, made from the typed model or from the store:
what copy detection and the audit read, and what ``kg duplicates --input`` files hold."""
