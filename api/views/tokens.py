"""The token page (/api/tokens/): a signed-in user creates, names and revokes their own API tokens.

A new token is shown once, in the answer to the form that created it (never stored
in the session or shown again); the list shows each token's name, first characters,
creation and last use.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, services
from api.fields import MAX_ID
from api.forms import TokenForm
from core.forms import form_add_service_error


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            created = {"token": token, "secret": secret}
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk if pk <= MAX_ID else 0)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, f"Token {token.name} dicabut; aplikasi yang memakainya tidak bisa masuk lagi.")
    return redirect("api:tokens")
