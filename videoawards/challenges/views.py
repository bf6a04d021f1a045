from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Challenge, Entry


def challenge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/list.html", {"challenges": Challenge.objects.filter(is_published=True)})


def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, is_published=True)
    return render(request, "challenges/detail.html", {"challenge": challenge})


def entry_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry, challenge__slug=slug, pk=pk)
    return render(request, "challenges/entry_detail.html", {"entry": entry})
