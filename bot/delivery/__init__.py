"""Daily-tip delivery: the ledger, the rate-limited sender and the scheduler loop.

Shared by every platform; platforms plug in through :class:`bot.core.ports.Messenger`.
"""

from bot.delivery.ledger import Ledger
from bot.delivery.scheduler import Scheduler
from bot.delivery.sender import Limits, Sender, Target, WindowLimiter

__all__ = ["Ledger", "Limits", "Scheduler", "Sender", "Target", "WindowLimiter"]
