"""HotSpare agent: collectors, scheduler and the stream to the controller."""

__version__ = "0.1.0"
