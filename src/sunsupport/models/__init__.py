"""ORM models; importing this package registers every table on ``Base.metadata``."""

from sunsupport.models.message import SENDER_TYPES, Message
from sunsupport.models.session import ChatSession
from sunsupport.models.user import User

__all__ = ["SENDER_TYPES", "ChatSession", "Message", "User"]
