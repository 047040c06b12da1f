"""The original "seed" service, rebuilt in one file to be benchmarked beside ours.

NOT the seed's code (github.com/EnderEzhik/chat-bot is not available here): a reconstruction
from ../shared/seed/README.ru.md and bot_rules.md that does per request what the seed does,
no more and no less, and is deliberately not optimised. `uvicorn seed_app:app --app-dir bench`.

Assumptions and departures:
- Tables come from `Base.metadata.create_all` at startup, not from Alembic migrations.
- Database `$SEED_DATABASE` (default `seed.db` in the cwd) with SQLite's defaults, as the seed:
  no WAL, aiosqlite's connect (busy) timeout left at 5 s.
- The bot's ~2 s delay stays an `asyncio.sleep`, of `$SEED_BOT_DELAY` seconds (default 0).
- `POST /chat/message` answers 201 (our benchmark expects it) and 404 for a session that is not
  the caller's; `sender_type` is trusted, as in the seed.
- loguru's default stderr sink is kept, plus `logs/app.log` (10 MB rotation, 7 days); one INFO
  line per registration, login and posted message is a guess at what the seed logs.
- `GET /livez` is not the seed's: it only lets a harness wait for the server to start.
- The JWT secret is a constant in the code: the seed's naivety, kept.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from loguru import logger
from pwdlib import PasswordHash
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECRET_KEY = "seed-secret-key-change-me-in-production"  # noqa: S105 - the seed keeps its secret in the code
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30
BOT_DELAY = float(os.environ.get("SEED_BOT_DELAY", "0"))

engine = create_async_engine(f"sqlite+aiosqlite:///{os.environ.get('SEED_DATABASE', 'seed.db')}")
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
password_hash = PasswordHash.recommended()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/login")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(20), unique=True)
    hashed_password: Mapped[str]


class ChatSession(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(primary_key=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_date: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (CheckConstraint("sender_type IN ('user', 'bot')"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    sender_type: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Credentials(BaseModel):
    username: str = Field(min_length=4, max_length=20)
    password: str


class MessageIn(BaseModel):
    session_id: str
    sender_type: Literal["user", "bot"]
    text: str


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    session_id: str
    sender_type: str
    text: str
    sent_at: datetime


RULES = [
    (("привет", "здравствуй"), "Привет! Я бот тех. поддержки солнца. Что я могу для тебя сделать?"),
    (("погода",), "По нашим данным сейчас солнечно. Но мы находимся на солнце, поэтому данные у Вас могут отличаться"),  # noqa: E501
    (("когда будет солнце",), "Мы отправили партию солнца в Ваш регион и расчитываем на её доставку в ближайшее время. Но мы не отвечаем за доставку, поэтому не можем сказать точные сроки."),  # noqa: E501
    (("почему нет солнца",), "Производство солнца это продолжительный и сложный процесс, который может пойти не по плану. Если у Вас нет солнца, дождитесь производства и доставки в Ваш регион новой партии."),  # noqa: E501
    (("пока",), "Пока!"),
]  # fmt: skip


def bot_reply(text: str) -> str:
    lowered = text.lower()
    for needles, reply in RULES:
        if any(needle in lowered for needle in needles):
            return reply
    return "Я тебя не понимаю"


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    logger.add("logs/app.log", rotation="10 MB", retention="7 days", level="INFO")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as db:
        yield db


Db = Annotated[AsyncSession, Depends(get_db)]


async def get_current_user(db: Db, token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    unauthorized = HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials")
    try:
        username = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM]).get("sub")
    except jwt.InvalidTokenError:
        raise unauthorized from None
    user = (await db.execute(select(User).where(User.username == username))).scalar_one_or_none()
    if user is None:
        raise unauthorized
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def own_session(db: AsyncSession, session_id: str, user: User) -> ChatSession:
    chat = await db.get(ChatSession, session_id)
    if chat is None or chat.user_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Session not found")
    return chat


@app.post("/auth/register", status_code=status.HTTP_201_CREATED)
async def register(body: Credentials, db: Db) -> dict[str, int | str]:
    if (await db.execute(select(User).where(User.username == body.username))).first():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Username already registered")
    user = User(username=body.username, hashed_password=password_hash.hash(body.password))
    db.add(user)
    await db.commit()
    logger.info("User registered: {}", user.username)
    return {"id": user.id, "username": user.username}


@app.post("/auth/login")
async def login(body: Credentials, db: Db) -> dict[str, str]:
    user = (await db.execute(select(User).where(User.username == body.username))).scalar()
    if user is None or not password_hash.verify(body.password, user.hashed_password):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect username or password")
    expire = datetime.now(UTC) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    token = jwt.encode({"sub": user.username, "exp": expire}, SECRET_KEY, algorithm=ALGORITHM)
    logger.info("User logged in: {}", user.username)
    return {"access_token": token}


@app.post("/chat/session")
async def create_session(db: Db, user: CurrentUser) -> dict[str, str | int | datetime]:
    chat = ChatSession(user_id=user.id)
    db.add(chat)
    await db.commit()
    return {"id": chat.id, "user_id": chat.user_id, "created_date": chat.created_date}


@app.post("/chat/message", status_code=status.HTTP_201_CREATED)
async def post_message(body: MessageIn, db: Db, user: CurrentUser) -> dict[str, str]:
    await own_session(db, body.session_id, user)
    db.add(Message(session_id=body.session_id, sender_type=body.sender_type, text=body.text))
    await db.commit()
    logger.info("Message from {} in session {}", body.sender_type, body.session_id)
    if body.sender_type != "user":
        return {"answer": ""}
    await asyncio.sleep(BOT_DELAY)
    reply = bot_reply(body.text)
    db.add(Message(session_id=body.session_id, sender_type="bot", text=reply))
    await db.commit()
    return {"answer": reply}


@app.get("/chat/history/{session_id}")
async def get_history(session_id: str, db: Db, user: CurrentUser) -> list[MessageOut]:
    await own_session(db, session_id, user)
    rows = await db.execute(
        select(Message).where(Message.session_id == session_id).order_by(Message.id)
    )
    return [MessageOut.model_validate(m) for m in rows.scalars()]


@app.delete("/chat/history/{session_id}")
async def delete_history(session_id: str, db: Db, user: CurrentUser) -> dict[str, str]:
    await own_session(db, session_id, user)
    await db.execute(delete(Message).where(Message.session_id == session_id))
    await db.commit()
    return {"status": "deleted"}


@app.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "ok"}
