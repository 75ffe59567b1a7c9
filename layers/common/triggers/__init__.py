"""The Triggers API common layer: everything two or more functions share."""

__version__ = "0.1.0"
