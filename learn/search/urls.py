from __future__ import annotations

from django.urls import path

from . import views

app_name = "search"

# Ahead of lessons' URLs: /search/ here replaces lessons' search page ({% url 'lessons:search' %} still reverses
# to the same path, so links to it keep working).
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("glossary/", views.glossary_page, name="glossary"),
]
