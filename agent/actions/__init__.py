"""Agent actions on devices (power and fence today; promote and demote next), run by the dispatcher."""

from agent.actions.base import Action, ActionContext, ActionError, deadline_from_receipt
from agent.actions.dispatch import Dispatcher
from agent.actions.journal import CommandJournal, JournalError
from agent.actions.power import PowerAction

__all__ = ["Action", "ActionContext", "ActionError", "CommandJournal", "Dispatcher",
           "JournalError", "PowerAction", "deadline_from_receipt"]
