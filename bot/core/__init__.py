"""The platform-neutral core. It never imports a chat-platform library.

Adapters build a :class:`~bot.core.requests.Request`, ``await Core.respond(request)``
(:class:`bot.core.app.Core`) and render the :class:`~bot.core.replies.Reply` it returns.
"""

from bot.core.replies import Attachment, Button, Field, Reply, SourceRef
from bot.core.requests import Request, User

__all__ = ["Attachment", "Button", "Field", "Reply", "Request", "SourceRef", "User"]
