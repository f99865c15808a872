from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from villages.models import Village


@login_required
def home(request: HttpRequest) -> HttpResponse:
    villages = Village.objects.for_user(request.user)
    return render(request, "home.html", {"villages_count": villages.count()})
