"""stance: sentence-level stance toward military escalation in news coverage."""

__version__ = "0.1.0"
