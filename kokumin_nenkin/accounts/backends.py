"""The password backend: Django's ModelBackend, with the per-request reads made cheap.

Every logged-in request loads the user (with the office the page shell shows, in the same
query) and asks several permission questions (the menu, the view's declaration, the home
counts). ModelBackend reads the user's own and their groups' permissions in two queries; here
both come in one, cached on the user object for the request like Django's own caches.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        from .models import Staff

        try:
            user = Staff._default_manager.select_related("office").get(pk=user_id)
        except Staff.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.all()
            else:
                rows = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}"
                for app, codename in rows.order_by()
                .values_list("content_type__app_label", "codename")
                .distinct()
            }
        return user_obj._perm_cache
