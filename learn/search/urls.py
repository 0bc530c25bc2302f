from __future__ import annotations

from django.urls import path

from . import views

app_name = "search"

# Ahead of lessons' URLs (see learn/urls.py).
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("glossary/", views.glossary_page, name="glossary"),
]
