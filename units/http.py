"""The request type of the portal's views: LoginRequiredMiddleware guarantees a signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedHttpRequest(HttpRequest):
    """An `HttpRequest` whose `user` is a portal `User`: every view but login and healthz sees
    one, because `LoginRequiredMiddleware` sends anonymous visitors to the login page first."""

    user: User  # narrowed from User | AnonymousUser
