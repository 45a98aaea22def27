"""Alerts: the pure engine and rules, and the runtime that feeds them and delivers notifications."""
