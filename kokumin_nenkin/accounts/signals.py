"""Signals the accounts package sends for the audit log to record.

Django's own `user_logged_in`, `user_logged_out` and `user_login_failed` cover the password
step; these cover what Django does not know about.
"""

from django.dispatch import Signal

# kwargs: request, user
second_factor_failed = Signal()
second_factor_passed = Signal()
# kwargs: request, actor, staff, change (str), details (dict)
staff_account_changed = Signal()
