"""Reproducible performance and cost measurements of the Triggers API (`make bench`).

Budgets are in SPEC §9. These modules print figures and record them in
``benchmarks/results/latest.json``; nothing here asserts a timing.
"""
