"""What the page shell shows on every screen: city, office, user, role and the role's menu."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .accounts.access import ANY_STAFF, user_may

# (url name, label, access). Entries whose URL does not exist yet are left out.
NAVIGATION = [
    ("home", "ホーム", ANY_STAFF),
    ("qualifications:search", "被保険者検索", "search_person"),
    ("verification:queue", "二重確認", "verify_entry"),
    ("resident_requests:index", "本人からの請求", "enter_entry"),
    ("jps_reporting:index", "進達", "report_to_jps"),
    ("jps_reporting:results", "処理結果取込", "import_jps_results"),
    ("jps_reporting:unanswered", "結果未着", "report_to_jps"),
    ("qualifications:work_lists", "職権・勧奨一覧", "enter_entry"),
    ("qualifications:residents_import", "住民異動取込", "import_residents"),
    ("qualifications:city_files", "市民課への通知", "report_to_jps"),
    ("exemptions:income_import", "所得情報取込", "import_city_data"),
    ("audit:index", "監査", "view_audit"),
    ("accounts:staff_list", "職員管理", "manage_staff"),
]


def office_shell(request):
    user = getattr(request, "user", None)
    nav = []
    if user is not None and user.is_authenticated and user.is_verified():
        for name, label, access in NAVIGATION:
            if not user_may(user, access):
                continue
            try:
                nav.append({"url": reverse(name), "label": label, "active": False})
            except NoReverseMatch:
                continue
        path = request.path
        matching: list[str] = [
            str(item["url"])
            for item in nav
            if (item["url"] == path if item["url"] == "/" else path.startswith(item["url"]))
        ]
        current = max(matching, key=len, default=None)  # the most specific menu entry
        for item in nav:
            item["active"] = item["url"] == current
    return {"city_name": settings.CITY_NAME, "navigation": nav, "demo_mode": settings.DEMO_MODE}
