from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Workshop
from .selectors import upcoming_workshops


def workshop_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workshops/list.html", {"workshops": upcoming_workshops()})


def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_404(Workshop, slug=slug, is_published=True)
    return render(request, "workshops/detail.html", {"workshop": workshop})
