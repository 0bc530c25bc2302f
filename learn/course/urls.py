from __future__ import annotations

app_name = "course"

urlpatterns: list = []
