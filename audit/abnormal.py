"""The abnormal-access report (seed Ⅲ 3: 休日・時間外・ログインエラー等の異常なアクセスの定期確認).

Over a period of local (Asia/Tokyo) days it finds:
- 時間外: staff activity outside business hours on a working day (AUDIT_BUSINESS_HOURS,
  default 08:30–17:15);
- 休日: staff activity on a Saturday, Sunday, national holiday (the `holidays` package, Japan)
  or, with AUDIT_YEAR_END_CLOSURE, the office's 年末年始 closure (12/29–1/3);
- ログイン失敗: password failures, second-factor failures and lock-outs;
- 大量照会: one staff member touching more than AUDIT_BULK_LOOKUP_PER_HOUR distinct persons
  within any 60 minutes (one finding per burst);
- 個人番号の表示: every reveal of a 個人番号;
- アカウント変更: every change an administrator made to a staff account (created, role or
  office, deactivated, reactivated, password or second factor reset);
- 初回ログイン: every enrolment of a second factor (a first login, or the first after a reset);
- 変更直後の入力・承認: every approval of an entry whose maker or checker had their account
  changed in the 24 hours before (issue 11: an administrator who set two accounts up and used
  them to enter and approve shows here).
"""

import datetime as dt
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from functools import cache

import holidays
from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from .lookups import subject_labels
from .models import Action, AuditEvent
from .selectors import day_start


class Kind:
    OFF_HOURS = "off_hours"
    HOLIDAY = "holiday"
    LOGIN_FAILURE = "login_failure"
    BULK_LOOKUP = "bulk_lookup"
    REVEAL = "reveal"
    ACCOUNT_CHANGE = "account_change"
    FIRST_LOGIN = "first_login"
    ENTER_AND_APPROVE = "enter_and_approve"


KIND_LABELS = {
    Kind.OFF_HOURS: "時間外",
    Kind.HOLIDAY: "休日",
    Kind.LOGIN_FAILURE: "ログイン失敗・ロック",
    Kind.BULK_LOOKUP: "大量照会",
    Kind.REVEAL: "個人番号の表示",
    Kind.ACCOUNT_CHANGE: "アカウント変更",
    Kind.FIRST_LOGIN: "初回ログイン",
    Kind.ENTER_AND_APPROVE: "変更直後の入力・承認",
}
# Changes an administrator makes (the owner's own password change or enrolment are not).
ADMIN_CHANGES = {
    "created": "登録",
    "assignment": "所属・役割の変更",
    "deactivated": "無効化",
    "reactivated": "有効化",
    "password_reset": "パスワードのリセット",
    "second_factor_reset": "二要素認証のリセット",
}
FIRST_LOGIN_CHANGES = ("second_factor_enrolled",)
AFTER_CHANGE = dt.timedelta(hours=24)
FAILURE_ACTIONS = (Action.LOGIN_FAILURE, Action.SECOND_FACTOR_FAILURE, Action.LOCKOUT)


@dataclass
class Finding:
    kind: str
    at: dt.datetime  # local time of the event (or of the burst's first event)
    actor: str  # username, or "" when nobody was logged in
    actor_name: str
    event_position: int | None
    description: str
    person_numbers: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Report:
    date_from: dt.date
    date_to: dt.date
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counted = Counter(f.kind for f in self.findings)
        return {kind: counted.get(kind, 0) for kind in KIND_LABELS}

    def labelled_counts(self) -> list[tuple[str, int]]:
        counts = self.counts()
        return [(label, counts[kind]) for kind, label in KIND_LABELS.items()]

    @property
    def total(self) -> int:
        return len(self.findings)

    def groups(self) -> list["Group"]:
        """The findings per staff member and day (issue 14, item 4): counts per kind, the
        events kept for the drill-down; most findings first, then by day and user ID."""
        grouped: dict[tuple[str, dt.date], list[Finding]] = {}
        for f in self.findings:
            grouped.setdefault((f.actor, f.at.date()), []).append(f)
        out = [
            Group(actor, items[0].actor_name, day, sorted(items, key=lambda f: f.at))
            for (actor, day), items in grouped.items()
        ]
        return sorted(out, key=lambda g: (-g.total, g.day, g.actor))


@dataclass
class Group:
    actor: str
    actor_name: str
    day: dt.date
    findings: list[Finding]

    @property
    def total(self) -> int:
        return len(self.findings)

    @property
    def key(self) -> str:
        return f"{self.actor or 'anonymous'}-{self.day:%Y%m%d}"

    def labelled_counts(self) -> list[tuple[str, int]]:
        counted = Counter(f.kind for f in self.findings)
        return [(label, counted[kind]) for kind, label in KIND_LABELS.items() if counted[kind]]


def _hm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def business_hours() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "AUDIT_BUSINESS_HOURS", ("08:30", "17:15"))
    return _hm(start), _hm(end)


@cache
def _japan_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def closed_day_reason(day: dt.date) -> str | None:
    """Why the office is closed that day (土曜日, 日曜日, a holiday's name, 年末年始), or None."""
    name = _japan_holidays(day.year).get(day)
    if name:
        return f"祝日（{name}）"
    if day.weekday() == 5:
        return "土曜日"
    if day.weekday() == 6:
        return "日曜日"
    if getattr(settings, "AUDIT_YEAR_END_CLOSURE", True) and (
        (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    ):
        return "年末年始"
    return None


def report(date_from: dt.date, date_to: dt.date) -> Report:
    start, end = business_hours()
    threshold = int(getattr(settings, "AUDIT_BULK_LOOKUP_PER_HOUR", 30))
    rows = (
        AuditEvent.objects.filter(
            created_at__gte=day_start(date_from),
            created_at__lt=day_start(date_to + dt.timedelta(days=1)),
        )
        .order_by("chain_position")
        .values_list(
            "chain_position",
            "created_at",
            "action",
            "actor__username",
            "actor__full_name",
            "person_id",
            "details",
        )
    )
    # 宛名番号 through the lookup the register app gives audit, one query for the period
    labels = subject_labels(row[5] for row in rows)
    findings: list[Finding] = []
    by_actor: dict[str, list[tuple[dt.datetime, int, str, int]]] = defaultdict(list)
    names: dict[str, str] = {}
    for position, created, action, username, full_name, person_id, details in rows:
        label = labels.get(person_id)
        number = label.number if label else ""
        if action == Action.FIELD_CHANGES:
            # It binds a diff row into the chain; the change it records has its own event.
            continue
        local = timezone.localtime(created)
        username = username or ""
        names[username] = full_name or ""

        def add(kind: str, text: str, local=local, username=username, position=position):
            findings.append(Finding(kind, local, username, names[username], position, text))

        action_label = Action(action).label
        if action in FAILURE_ACTIONS:
            tried = (details or {}).get("ユーザーID") or (details or {}).get("username", "")
            add(
                Kind.LOGIN_FAILURE,
                f"{action_label}" + (f"（ユーザーID: {tried}）" if tried else ""),
            )
        if action == Action.REVEAL_MY_NUMBER:
            add(Kind.REVEAL, f"宛名番号 {number}" if number else action_label)
        if username:
            reason = closed_day_reason(local.date())
            if reason:
                add(Kind.HOLIDAY, f"{reason} {local:%H:%M} {action_label}")
            elif not (start <= local.time() < end):
                add(Kind.OFF_HOURS, f"{local:%H:%M} {action_label}")
            if person_id is not None:
                by_actor[username].append((local, person_id, number, position))
    for username, touches in by_actor.items():
        findings.extend(_bursts(username, names.get(username, ""), touches, threshold))
    findings.extend(account_findings(date_from, date_to))
    findings.sort(key=lambda f: (f.at, f.event_position or 0))
    return Report(date_from, date_to, findings)


def account_findings(date_from: dt.date, date_to: dt.date) -> list[Finding]:
    """アカウント変更, 初回ログイン and 変更直後の入力・承認 of the period, in three queries
    whatever the number of events (the summary on the home page counts these too)."""
    start, end = day_start(date_from), day_start(date_to + dt.timedelta(days=1))
    changes = AuditEvent.objects.filter(
        action=Action.ACCOUNT_CHANGE, created_at__gte=start - AFTER_CHANGE, created_at__lt=end
    ).values_list("chain_position", "created_at", "actor__username", "actor__full_name", "details")
    findings: list[Finding] = []
    changed_at: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for position, created, username, full_name, details in changes:
        details = details or {}
        change, staff = str(details.get("変更内容", "")), str(details.get("職員", ""))
        local = timezone.localtime(created)
        if change in ADMIN_CHANGES:
            changed_at[staff].append((local, ADMIN_CHANGES[change]))
        if created < start:
            continue
        if change in ADMIN_CHANGES:
            asked = (details.get("詳細") or {}).get("依頼者")
            text = f"{staff}: {ADMIN_CHANGES[change]}" + (f"（依頼 {asked}）" if asked else "")
            findings.append(
                Finding(Kind.ACCOUNT_CHANGE, local, username or "", full_name or "", position, text)
            )
        elif change in FIRST_LOGIN_CHANGES:
            findings.append(
                Finding(
                    Kind.FIRST_LOGIN,
                    local,
                    username or "",
                    full_name or "",
                    position,
                    f"{staff}: 二要素認証を登録（初回ログインまたはリセット後）",
                )
            )
    if not changed_at:
        return findings
    approvals = list(
        AuditEvent.objects.filter(
            action=Action.VERIFY, created_at__gte=start, created_at__lt=end
        ).values_list(
            "chain_position",
            "created_at",
            "actor__username",
            "actor__full_name",
            "object_type",
            "object_id",
        )
    )
    makers = dict(
        AuditEvent.objects.filter(
            action=Action.SUBMIT,
            object_type__in={row[4] for row in approvals},
            object_id__in={row[5] for row in approvals},
        )
        .order_by("chain_position")
        .values_list("object_id", "actor__username")
    )
    for position, created, checker, full_name, _type, object_id in approvals:
        local = timezone.localtime(created)
        maker = makers.get(object_id, "")
        recent = [
            (who, label, at)
            for who in {maker, checker or ""}
            for at, label in changed_at.get(who, [])
            if at <= local and local - at <= AFTER_CHANGE
        ]
        if recent:
            who, label, at = min(recent, key=lambda r: r[2])
            findings.append(
                Finding(
                    Kind.ENTER_AND_APPROVE,
                    local,
                    checker or "",
                    full_name or "",
                    position,
                    f"入力 {maker}・承認 {checker}"
                    f"（{who} の{label} {at:%m/%d %H:%M} から24時間以内）",
                )
            )
    return findings


def _bursts(username, full_name, touches, threshold) -> list[Finding]:
    """Windows of 60 minutes in which more than `threshold` distinct persons were touched."""
    found = []
    window: deque = deque()
    in_window: Counter = Counter()
    hour = dt.timedelta(hours=1)
    for local, person_id, number, position in touches:
        window.append((local, person_id, number, position))
        in_window[person_id] += 1
        while window and local - window[0][0] >= hour:
            _, old, _, _ = window.popleft()
            in_window[old] -= 1
            if not in_window[old]:
                del in_window[old]
        if len(in_window) > threshold:
            first = window[0]
            numbers = sorted({n for _, _, n, _ in window if n})
            found.append(
                Finding(
                    Kind.BULK_LOOKUP,
                    first[0],
                    username,
                    full_name,
                    first[3],
                    f"{first[0]:%H:%M}〜{local:%H:%M} に {len(in_window)} 人を照会"
                    f"（基準 {threshold} 人/時）",
                    numbers,
                )
            )
            window.clear()
            in_window.clear()
    return found


def summary(days: int = 7) -> Report:
    today = timezone.localdate()
    return report(today - dt.timedelta(days=days - 1), today)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def summary_counts(days: int = 7) -> dict[str, int]:
    """The counts of `report()` over the last `days` local days, by kind, without reading the
    events: one aggregate over the created_at index (conditional counts, the day and hour limits
    worked out in Python), and for 大量照会 one grouped count per staff member and clock hour.
    Only staff with a pair of consecutive hours touching more than the threshold of persons
    (a 60-minute burst lies within two clock hours) have their touches read and walked."""
    today = timezone.localdate()
    date_from = today - dt.timedelta(days=days - 1)
    start, end = business_hours()
    period = AuditEvent.objects.filter(
        created_at__gte=day_start(date_from),
        created_at__lt=day_start(today + dt.timedelta(days=1)),
    )
    closed, off_hours = Q(pk__in=[]), Q(pk__in=[])
    for n in range(days):
        day = date_from + dt.timedelta(days=n)
        whole = Q(created_at__gte=day_start(day), created_at__lt=day_start(day + dt.timedelta(1)))
        if closed_day_reason(day):
            closed |= whole
        else:
            off_hours |= whole & ~Q(created_at__gte=_at(day, start), created_at__lt=_at(day, end))
    staff = Q(actor__isnull=False) & ~Q(action=Action.FIELD_CHANGES)
    counts = period.aggregate(
        **{
            Kind.OFF_HOURS: Count("pk", filter=staff & off_hours),
            Kind.HOLIDAY: Count("pk", filter=staff & closed),
            Kind.LOGIN_FAILURE: Count("pk", filter=Q(action__in=FAILURE_ACTIONS)),
            Kind.REVEAL: Count("pk", filter=Q(action=Action.REVEAL_MY_NUMBER)),
        }
    )
    counts[Kind.BULK_LOOKUP] = _bulk_lookup_count(period.filter(staff, person__isnull=False))
    accounts = Counter(f.kind for f in account_findings(date_from, today))
    for kind in (Kind.ACCOUNT_CHANGE, Kind.FIRST_LOGIN, Kind.ENTER_AND_APPROVE):
        counts[kind] = accounts.get(kind, 0)
    return {kind: counts[kind] for kind in KIND_LABELS}


def _bulk_lookup_count(touches) -> int:
    threshold = int(getattr(settings, "AUDIT_BULK_LOOKUP_PER_HOUR", 30))
    per_hour = touches.annotate(hour=TruncHour("created_at")).values("actor_id", "hour")
    hours: dict[int, dict[dt.datetime, int]] = defaultdict(dict)
    for row in per_hour.annotate(persons=Count("person_id", distinct=True)).order_by():
        hours[row["actor_id"]][row["hour"]] = row["persons"]
    suspects = [
        actor_id
        for actor_id, by_hour in hours.items()
        if any(
            n + by_hour.get(h + dt.timedelta(hours=1), 0) > threshold for h, n in by_hour.items()
        )
    ]
    found = 0
    for actor_id in suspects:
        rows = (
            touches.filter(actor_id=actor_id)
            .order_by("chain_position")
            .values_list("created_at", "person_id", "chain_position")
        )
        walked = [(timezone.localtime(at), person, "", pos) for at, person, pos in rows]
        found += len(_bursts("", "", walked, threshold))
    return found
