"""The package version, read by hatchling and `minica --version`."""

__version__ = "0.1.0"
