"""HotSpare agent: collectors, scheduler and the stream to the controller."""

from hotspare import __version__

__all__ = ["__version__"]
