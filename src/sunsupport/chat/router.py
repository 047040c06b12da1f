from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from sunsupport.auth.deps import AccountFirstRoute, CallerClaims, CurrentUser
from sunsupport.chat import service, turns
from sunsupport.chat.deps import PolicyDep, ReadableSession, SessionIdPath
from sunsupport.chat.schemas import (
    FeedbackIn,
    FeedbackOut,
    MessageIn,
    MessageOut,
    MessagePosted,
    RatingIn,
    RatingOut,
    ReadOut,
    SessionDetail,
    SessionListItem,
    SessionOut,
    SessionSummary,
    SessionTitleIn,
)
from sunsupport.core.deps import DatabaseDep, LimiterDep, SettingsDep
from sunsupport.core.errors import Forbidden, error_responses
from sunsupport.core.responses import DelayedJSONResponse
from sunsupport.knowledge.deps import BotRunnerDep

router = APIRouter(
    prefix="/chat",
    tags=["chat"],
    responses=error_responses(429, 503),
    route_class=AccountFirstRoute,  # POST /message: 401 before 422 or 403 for a revoked token
)

SLOW_DOWN = "Too many requests; slow down"


@router.post("/session", response_model=SessionOut, responses=error_responses(401, 429))
async def create_session(db: DatabaseDep, user: CurrentUser, limiter: LimiterDep) -> SessionOut:
    await limiter.hit(limiter.sessions, f"user:{user.id}", SLOW_DOWN)
    chat = await service.create_session(db, user)
    return SessionOut.model_validate(chat)


@router.get("/sessions", response_model=list[SessionListItem], responses=error_responses(401, 422))
async def list_sessions(
    db: DatabaseDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[SessionListItem]:
    """The current user's chat sessions by last activity (the last message, or the start
    of a chat without one), newest first, with their unread counts."""
    chats = await service.list_sessions(db, user, limit, offset)
    return [
        SessionListItem(**SessionSummary.model_validate(chat).model_dump(), unread=unread)
        for chat, unread in chats
    ]


@router.post(
    "/session/{session_id}/read",
    response_model=ReadOut,
    responses=error_responses(401, 403, 404, 422),
)
async def mark_read(session_id: SessionIdPath, db: DatabaseDep, user: CurrentUser) -> ReadOut:
    """The owner has seen the conversation: its unread count drops to 0."""
    newest = await service.mark_read(db, user, session_id)
    return ReadOut(session_id=session_id, read_message_id=newest)


@router.post(
    "/message",
    status_code=status.HTTP_201_CREATED,
    response_model=MessagePosted,
    responses=error_responses(401, 403, 404, 413, 422, 429),
)
async def post_message(
    body: MessageIn,
    db: DatabaseDep,
    caller: CallerClaims,
    bot: BotRunnerDep,
    limiter: LimiterDep,
    settings: SettingsDep,
    policy: PolicyDep,
) -> Response:
    if body.sender_type == "bot":
        raise Forbidden("Only the server writes bot messages")
    # The account is checked in the turn's first read (the hot path: one read, not two),
    # and the message counted against the limit only then.
    admit = partial(limiter.hit, limiter.messages, f"user:{caller.user_id}", SLOW_DOWN)
    posted = await turns.post_user_message(
        db, bot, caller, body.session_id, body.text, policy, admit=admit
    )
    reply = posted.reply
    result = MessagePosted(
        answer=reply.text if reply else None,
        intent=reply.intent if reply else None,
        confidence=round(reply.confidence, 4) if reply else None,
        suggestions=list(reply.suggestions) if reply else [],
        message_id=posted.message.id,
        answer_id=posted.answer.id if posted.answer else None,
    )
    delay = settings.bot_reply_delay_seconds if posted.answer else 0.0
    return DelayedJSONResponse(result.model_dump(mode="json"), 201, delay=delay)


@router.get(
    "/session/{session_id}",
    response_model=SessionDetail,
    responses=error_responses(401, 403, 404, 422),
)
async def get_session(chat: ReadableSession) -> SessionDetail:
    """One conversation with its status (whether the bot or a human has it)."""
    return SessionDetail.model_validate(chat)


@router.patch(
    "/session/{session_id}",
    response_model=SessionSummary,
    responses=error_responses(401, 403, 404, 413, 422),
)
async def rename_session(
    session_id: SessionIdPath, body: SessionTitleIn, db: DatabaseDep, user: CurrentUser
) -> SessionSummary:
    """Rename one's own conversation (one line, 1–80 characters)."""
    return SessionSummary.model_validate(await service.rename(db, user, session_id, body.title))


@router.delete(
    "/session/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_session(session_id: SessionIdPath, db: DatabaseDep, user: CurrentUser) -> None:
    """Delete one's own conversation with its messages; a handover under way ends (the
    statistics keep their counts; the id is never given to another conversation)."""
    await service.delete_session(db, user, session_id)


@router.post(
    "/session/{session_id}/rating",
    response_model=RatingOut,
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
async def rate_session(
    session_id: SessionIdPath, body: RatingIn, db: DatabaseDep, user: CurrentUser
) -> RatingOut:
    """Rate a resolved conversation 1–5, with an optional comment (can be changed)."""
    rated = await service.rate(db, user, session_id, body.rating, body.comment)
    return RatingOut(rating=body.rating, comment=rated.rating_comment)


@router.post(
    "/message/{message_id}/feedback",
    response_model=FeedbackOut,
    responses=error_responses(401, 403, 404, 413, 422, 429),
)
async def message_feedback(
    message_id: Annotated[int, Path(ge=1, le=2**62)],
    body: FeedbackIn,
    db: DatabaseDep,
    user: CurrentUser,
    limiter: LimiterDep,
) -> FeedbackOut:
    """👍 (1) or 👎 (-1) on a bot answer, by the conversation's owner; can be changed."""
    await limiter.hit(limiter.feedback, f"user:{user.id}", SLOW_DOWN)
    await service.set_feedback(db, user, message_id, body.value)
    return FeedbackOut(message_id=message_id, value=body.value)


@router.get(
    "/history/{session_id}",
    response_model=list[MessageOut],
    responses=error_responses(401, 403, 404, 422),
)
async def history(
    session_id: SessionIdPath,
    db: DatabaseDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> list[MessageOut]:
    """The session's messages in sending order; page backwards with ``before_id``."""
    messages = await service.history(db, user, session_id, limit, before_id)
    return [MessageOut.model_validate(message) for message in messages]


@router.delete(
    "/history/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
async def clear_history(session_id: SessionIdPath, db: DatabaseDep, user: CurrentUser) -> None:
    """Delete the messages; a handover under way ends (the statistics keep their counts)."""
    await service.clear_history(db, user, session_id)
