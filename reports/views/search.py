"""The search page: what the box in the navigation bar finds among what the user may open."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from reports.search.query import search_page
from reports.search.text import SHORTEST_QUERY, parse_query
from units.http import AuthedHttpRequest


def search(request: AuthedHttpRequest) -> HttpResponse:
    query = parse_query(request.GET.get("q"))
    context = {"query": query, "search_query": query.text, "shortest": SHORTEST_QUERY}
    if query.text and not query.too_short:
        page, hits = search_page(request.user, query, request.GET.get("page"))
        context |= {"page": page, "similar": hits.similar}
    return render(request, "reports/search.html", context)
