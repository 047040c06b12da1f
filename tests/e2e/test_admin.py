"""The admin page: the "misunderstood" inbox, statistics, canned replies."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.support.browser import UI, Account, api_call, chat_with, seed_token
from tests.support.servers import RunningServer, run_cli

pytestmark = pytest.mark.e2e

LIVE = 15_000


def open_admin(ui: UI, token: str, tab: str = "") -> None:
    seed_token(ui.page, token)
    ui.page.goto(f"/admin{tab}")
    expect(ui.page.locator("#user-name")).not_to_be_empty()


def test_teaching_a_fallback_changes_the_answer(
    chat: UI, tab: Callable[[], UI], staff: Callable[[str], tuple[Account, str]]
) -> None:
    text = f"кракозябра бубмлик {secrets.token_hex(3)}"
    with chat.page.expect_response("**/chat/message") as first:
        chat.send(text)
    assert first.value.json()["intent"] == "fallback"

    _, token = staff("admin")
    admin = tab()
    open_admin(admin, token)
    item = admin.by("inbox-item").filter(has_text=text)
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("inbox-reason")).to_have_text("не понял")
    link = item.get_by_test_id("inbox-link")
    expect(link).to_have_attribute("href", re.compile(r"^/operator#session=[0-9a-f-]{36}$"))
    item.get_by_test_id("teach-intent").select_option("weather")
    item.get_by_test_id("teach").click()
    # The intent's title, not its id.
    expect(admin.by("notice")).to_have_text(
        "Готово: бот теперь отвечает на эту фразу как на «Погода»."
    )
    expect(item).to_have_count(0)

    admin.by("inbox-status").select_option("resolved")
    expect(admin.by("inbox-item").filter(has_text=text)).to_have_count(1)

    # The bot uses the new example at once.
    with chat.page.expect_response("**/chat/message") as second:
        chat.send(text)
    assert second.value.json()["intent"] == "weather"


def test_dismiss_and_stats_with_chart(
    ui: UI,
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    _, user_token = account_pool()
    text = f"абырвалг главрыба {secrets.token_hex(3)}"
    session_id, _ = chat_with(live_server, user_token, text)

    _, token = staff("admin")
    open_admin(ui, token)
    item = ui.by("inbox-item").filter(has_text=text)
    item.get_by_test_id("dismiss").click()
    expect(item).to_have_count(0)
    ui.by("inbox-status").select_option("dismissed")
    expect(ui.by("inbox-item").filter(has_text=text)).to_have_count(1)

    ui.by("tab-stats").click()
    stats = ui.by("stats")
    expect(stats).to_be_visible()
    cards = stats.get_by_test_id("stat-card")
    expect(cards).to_have_count(8)
    expect(cards.first).to_contain_text(re.compile(r"^\d+\s*разговоров"))
    expect(cards.filter(has_text="бот не понял")).to_contain_text(re.compile(r"\d+%"))
    chart = stats.locator('svg[data-testid="stats-chart"]')
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 30  # one bar per day of the last 30 days
    expect(chart.locator("polyline")).to_have_count(1)
    expect(stats.get_by_test_id("top-intents").locator("li").first).to_be_visible()
    thumbs = cards.filter(has_text="ответ помог")  # drawn, not emoji (not every font has them)
    expect(thumbs).not_to_contain_text("👍")
    expect(thumbs.get_by_role("img", name="«помог»")).to_be_visible()

    # A long topic and its count stay apart, and the chart's labels stay legible on a phone.
    api_call(
        live_server,
        "POST",
        "/chat/message",
        user_token,
        {"session_id": session_id, "text": "какие у вас тарифы?"},
    )
    ui.page.set_viewport_size({"width": 390, "height": 844})
    stats.page.locator("#stats-form button[type=submit]").click()
    topic = (
        stats.get_by_test_id("top-intents")
        .locator("li")
        .filter(has_text="Тарифы, оплата и подписка")
    )
    expect(topic).to_have_count(1)
    name, number = topic.locator(".intent-name"), topic.locator(".intent-count")
    name_box, number_box = name.bounding_box(), number.bounding_box()
    assert name_box and number_box
    assert number_box["x"] >= name_box["x"] + name_box["width"] + 8, (name_box, number_box)
    smallest = chart.evaluate(
        """svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll("text")]
                .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
            return Math.min(...sizes);
        }"""
    )
    assert smallest >= 11, f"chart labels are {smallest:.1f} CSS px on a phone"


def test_admin_page_is_for_admins_only(
    chat: UI, tab: Callable[[], UI], staff: Callable[[str], tuple[Account, str]]
) -> None:
    chat.page.goto("/admin")
    expect(chat.by("denied")).to_have_text("Только для администраторов")

    _, operator_token = staff("operator")
    operator = tab()
    seed_token(operator.page, operator_token)
    operator.page.goto("/admin")
    expect(operator.by("denied")).to_have_text("Только для администраторов")


def test_canned_reply_from_admin_in_the_console(
    ui: UI,
    tab: Callable[[], UI],
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    shortcut = f"привет_{secrets.token_hex(2)}"
    canned = "Здравствуйте! Я оператор Солнца, сейчас во всём разберусь."
    _, admin_token = staff("admin")
    open_admin(ui, admin_token, "#canned")
    ui.by("canned-shortcut").fill(shortcut)
    ui.by("canned-text").fill(canned)
    ui.by("canned-save").click()
    expect(ui.by("canned-item").filter(has_text=f"/{shortcut}")).to_have_count(1)

    ui.by("canned-shortcut").fill(shortcut)  # the same shortcut again → 409
    ui.by("canned-text").fill("другой текст")
    ui.by("canned-save").click()
    expect(ui.by("error")).to_contain_text("уже есть")
    item = ui.by("canned-item").filter(has_text=f"/{shortcut}")
    expect(item).to_have_count(1)

    # Edit it: the form takes the reply, saving replaces the text.
    ui.by("canned-shortcut").fill("")
    item.get_by_test_id("canned-edit").click()
    expect(ui.by("canned-shortcut")).to_have_value(shortcut)
    canned = "Здравствуйте! Я оператор Солнца, сейчас во всём разберусь ☀"
    ui.by("canned-text").fill(canned)
    ui.by("canned-save").click()
    expect(item).to_contain_text(canned)
    expect(ui.by("error")).to_be_hidden()

    # An operator with a claimed conversation types /shortcut + Tab.
    _, user_token = account_pool()
    session_id, _ = chat_with(live_server, user_token, "позовите оператора")
    _, operator_token = staff("operator")
    api_call(live_server, "POST", f"/operator/sessions/{session_id}/claim", operator_token)

    console = tab()
    seed_token(console.page, operator_token)
    console.page.goto(f"/operator#session={session_id}")
    box = console.by("operator-input")
    expect(box).to_be_enabled()
    box.fill(f"/{shortcut}")
    option = console.by("canned-option").filter(has_text=f"/{shortcut}")
    expect(option).to_have_count(1)
    box.press("Tab")
    expect(box).to_have_value(canned)
    expect(console.by("canned-list")).to_be_hidden()
    box.press("Enter")
    expect(console.messages("operator")).to_have_text([canned], timeout=LIVE)

    item.get_by_test_id("canned-delete").click()
    ui.by("confirm").click()  # deleting asks first (the one confirm on the page)
    expect(item).to_have_count(0)


def test_reviewing_a_confident_answer_the_user_escaped_from(
    ui: UI,
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    """A confident answer followed by a request for a human reaches the inbox with its
    own reason and the intent's title; the admin confirms it was right."""
    _, user_token = account_pool()
    question = f"какие у вас тарифы, номер {secrets.randbelow(10**6)}?"
    chat_with(live_server, user_token, question, "позовите оператора")

    _, token = staff("admin")
    open_admin(ui, token)
    item = ui.by("inbox-item").filter(has_text=question)
    if not item.count():  # the review runs just after the turn: look again once
        ui.page.locator("#inbox-refresh").click()
    expect(item.get_by_test_id("inbox-reason")).to_have_text("позвали человека")
    expect(item).to_contain_text("Тарифы, оплата и подписка")
    expect(item.get_by_test_id("teach-intent").locator("option:checked")).to_have_text(
        "Тарифы, оплата и подписка"
    )
    item.get_by_test_id("explain").click()  # why: the top intents and nearest examples
    explained = item.get_by_test_id("inbox-explain")
    expect(explained).to_contain_text("Тарифы, оплата и подписка")
    expect(explained).to_contain_text("похожие примеры «")
    item.get_by_test_id("inbox-confirm").click()
    expect(ui.by("notice")).to_contain_text("Подтверждено")
    expect(item).to_have_count(0)
    ui.by("inbox-status").select_option("confirmed")
    confirmed = ui.by("inbox-item").filter(has_text=question)
    expect(confirmed).to_have_count(1)
    expect(confirmed.get_by_test_id("inbox-confirm")).to_have_count(0)


def test_the_audit_log_speaks_russian_and_reads_on_a_phone(
    ui: UI,
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    e2e_server: RunningServer,
) -> None:
    """Roles, inbox statuses, objects and intents appear under their Russian names; on a
    phone the log's words are never split across lines."""
    live_server = e2e_server.base_url
    operator, _ = staff("operator")
    done = run_cli(
        "set-role", operator.username, "admin", cwd=e2e_server.workdir, env=e2e_server.env
    )
    assert done.returncode == 0, done.stderr

    _, user_token = account_pool()
    texts = [f"фыва пролдж {secrets.token_hex(3)}" for _ in range(2)]
    chat_with(live_server, user_token, *texts)
    _, token = staff("admin")
    new = api_call(live_server, "GET", "/admin/misunderstood?status=new&limit=200", token)
    taught, dismissed = (next(i["id"] for i in new if i["text"] == text) for text in texts)
    api_call(
        live_server, "POST", f"/admin/misunderstood/{taught}/teach", token, {"intent": "weather"}
    )
    api_call(
        live_server, "PATCH", f"/admin/misunderstood/{dismissed}", token, {"status": "dismissed"}
    )

    open_admin(ui, token, "#audit")
    rows = ui.by("audit-row")
    role_changed = rows.filter(has_text=operator.username).filter(has_text="Смена роли")
    expect(role_changed).to_contain_text("было: оператор, стало: администратор")
    expect(role_changed).to_contain_text(re.compile(r"аккаунт №\d+"))
    created = rows.filter(has_text="Новый сотрудник").first
    expect(created).to_contain_text(re.compile(r"роль: (оператор|администратор)"))
    was_taught = rows.filter(has_text=re.compile(rf"«Не понял» №{taught}\b"))
    expect(was_taught).to_contain_text("Бот обучен")
    expect(was_taught).to_contain_text("намерение: «Погода», откуда: запись «Не понял»")
    was_dismissed = rows.filter(has_text=re.compile(rf"«Не понял» №{dismissed}\b"))
    expect(was_dismissed).to_contain_text("было: новое, стало: отклонено")
    raw = re.compile(
        r"\b(user|visitor|operator|admin|new|resolved|dismissed|confirmed|weather)\b"
        r"|\b[a-z_]+:\d+"
    )
    for row in (role_changed, created, was_taught, was_dismissed):
        expect(row).not_to_contain_text(raw)

    ui.page.set_viewport_size({"width": 390, "height": 844})
    expect(role_changed).to_be_visible()
    split = ui.page.locator("#audit-table").evaluate(
        """table => {
            const split = [];
            const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!node.parentElement.checkVisibility()) continue;
                for (const word of node.data.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, word.index);
                    range.setEnd(node, word.index + word[0].length);
                    const lines = new Set([...range.getClientRects()]
                        .filter(r => r.width > 0).map(r => Math.round(r.top)));
                    if (lines.size > 1) split.push(word[0]);
                }
            }
            return split;
        }"""
    )
    assert split == [], f"words split across lines on a phone: {split[:10]}"
    width = ui.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"scrollWidth {width}"


def test_a_thumbs_down_item_shows_a_drawn_thumb_and_words(
    ui: UI,
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    """Not the 👎 emoji, which is an empty box without an emoji font."""
    _, user_token = account_pool()
    text = f"погода {secrets.randbelow(10**6)}"
    _, (posted,) = chat_with(live_server, user_token, text)
    feedback = f"/chat/message/{posted['answer_id']}/feedback"
    api_call(live_server, "POST", feedback, user_token, {"value": -1})

    _, token = staff("admin")
    open_admin(ui, token)
    reason = ui.by("inbox-item").filter(has_text=text).get_by_test_id("inbox-reason")
    expect(reason).to_have_text("не помог")
    expect(reason.locator("svg.thumb--down")).to_be_visible()


def test_the_next_inbox_page_starts_at_its_top(
    ui: UI,
    staff: Callable[[str], tuple[Account, str]],
    account_pool: Callable[[], tuple[Account, str]],
    live_server: str,
) -> None:
    _, user_token = account_pool()
    # more than a page of 50, and a second page taller than the window
    chat_with(live_server, user_token, *(f"щщщ ъъъ {n} {secrets.token_hex(3)}" for n in range(62)))

    _, token = staff("admin")
    open_admin(ui, token)
    expect(ui.by("inbox-item")).to_have_count(50)
    ui.by("inbox-next").scroll_into_view_if_needed()
    ui.by("inbox-next").click()
    expect(ui.page.locator("#inbox-page")).to_have_text("Страница 2")
    heading = ui.page.get_by_role("heading", name="Что бот не понял")
    expect(heading).to_be_focused()  # keyboard users carry on from the top of the list
    expect(heading).to_be_in_viewport()
    expect(ui.by("inbox-item").first).to_be_in_viewport()
    expect(ui.by("announcer")).to_have_text("Страница 2")
