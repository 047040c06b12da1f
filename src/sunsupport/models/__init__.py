"""ORM models; importing this package registers every table on ``Base.metadata``."""

from sunsupport.models.audit import AuditEntry, TaskLease
from sunsupport.models.canned import CannedReply
from sunsupport.models.enums import (
    InboxReason,
    InboxStatus,
    NotificationStatus,
    Role,
    SessionStatus,
)
from sunsupport.models.knowledge import KbExample, MisunderstoodItem
from sunsupport.models.message import SENDER_TYPES, SYSTEM_EVENTS, Message
from sunsupport.models.notification import Notification
from sunsupport.models.session import ChatSession
from sunsupport.models.stats import (
    STATS_BUCKETS,
    ConversationDay,
    ConversationFacts,
    DailyCounts,
    DailyIntent,
)
from sunsupport.models.user import User

__all__ = [
    "SENDER_TYPES",
    "STATS_BUCKETS",
    "SYSTEM_EVENTS",
    "AuditEntry",
    "CannedReply",
    "ChatSession",
    "ConversationDay",
    "ConversationFacts",
    "DailyCounts",
    "DailyIntent",
    "InboxReason",
    "InboxStatus",
    "KbExample",
    "Message",
    "MisunderstoodItem",
    "Notification",
    "NotificationStatus",
    "Role",
    "SessionStatus",
    "TaskLease",
    "User",
]
