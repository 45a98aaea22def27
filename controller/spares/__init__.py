"""Spare parts: pure forecast maths, stock reservation rules, the readiness hook and the runtime."""
