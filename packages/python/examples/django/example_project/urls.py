"""Two views: log in (a session and a signed token), and who am I."""

from django.core import signing
from django.http import JsonResponse
from django.urls import path


def login(request):
    request.session["user"] = "alice"
    return JsonResponse({"token": signing.dumps({"user": "alice"}, salt="example")})


def whoami(request):
    token = request.GET.get("token", "")
    try:
        from_token = signing.loads(token, salt="example")["user"]
    except signing.BadSignature:
        from_token = None
    return JsonResponse({"session": request.session.get("user"), "token": from_token})


urlpatterns = [path("login", login), path("whoami", whoami)]


