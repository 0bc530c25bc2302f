from __future__ import annotations

from django.contrib import admin

from .models import Attempt, ProblemReport, ReviewCard


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ("item_id", "message", "created_at", "resolved")
    list_filter = ("resolved",)
    search_fields = ("item_id", "message")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("title", "mode", "started_at", "submitted_at", "score")
    list_filter = ("mode",)


admin.site.register(ReviewCard)
