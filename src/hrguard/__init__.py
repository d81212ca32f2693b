"""hrguard: HR risk control for employee online-loan trouble."""

__version__ = "0.1.0"
