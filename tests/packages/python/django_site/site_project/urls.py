"""The test project's views: a guarded one, a public health check, a DRF
view, and a login session (for the rotation test)."""

import sys

from django.contrib.auth import authenticate, login
from django.http import HttpResponse, JsonResponse
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

import securekey


def refused(request, reason):
    """SECUREKEY_ON_REFUSED: the hook sees each refusal and why."""
    print(f"refused {request.path} ({reason})", file=sys.stderr, flush=True)


def guarded(request):
    return HttpResponse(f"slot={request.META.get(securekey.SLOT_KEY)}", content_type="text/plain")


def health(request):
    return HttpResponse("ok", content_type="text/plain")


@api_view(["GET"])
def drf(request):
    return Response({"slot": request.auth, "user": str(request.user)})


def session_login(request):
    user = authenticate(request, username="alice", password="correct horse")
    login(request, user)
    return JsonResponse({"user": user.username})


def session_me(request):
    user = request.user.username if request.user.is_authenticated else None
    return JsonResponse({"user": user})


urlpatterns = [
    path("", guarded),
    path("health", health),
    path("drf/", drf),
    path("session/login", session_login),
    path("session/me", session_me),
]
