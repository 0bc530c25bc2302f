from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .learners import SESSION_KEY
from .services import hand_over_all


@receiver(user_logged_in)
def keep_anonymous_work(sender, request, user, **kwargs) -> None:
    token = request.session.get(SESSION_KEY) if request is not None else None
    if token:
        hand_over_all(token, user.id)
