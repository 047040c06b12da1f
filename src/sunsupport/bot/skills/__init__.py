"""Skills: intents whose answer is computed rather than written in the knowledge base.

Built-in skills register themselves here; see :mod:`.registry` for the interface.
"""

from sunsupport.bot.skills.registry import (
    Skill,
    SkillAnswer,
    SkillTurn,
    get_skill,
    pending_id,
    pending_intent,
    register,
    skill_names,
)
from sunsupport.bot.skills.sun_dialogue import SunTimesSkill

register(SunTimesSkill())

__all__ = [
    "Skill",
    "SkillAnswer",
    "SkillTurn",
    "get_skill",
    "pending_id",
    "pending_intent",
    "register",
    "skill_names",
]
