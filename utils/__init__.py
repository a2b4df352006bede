"""Shared helpers for the course's assignments (students receive this package whole).

Sub-modules: ``gradient_check``, ``data``, ``solver``, ``plots``, ``checks``, ``submit``.
"""
