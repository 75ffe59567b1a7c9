"""Constructs shared by the stacks."""
