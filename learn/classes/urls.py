from __future__ import annotations

app_name = "classes"

urlpatterns: list = []
