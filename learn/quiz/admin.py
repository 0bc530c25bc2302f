from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from . import analysis, questions
from .models import Attempt, ItemStatus, ProblemReport, ReviewCard


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ("item_id", "message", "created_at", "resolved")
    list_filter = ("resolved",)
    search_fields = ("item_id", "message")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("title", "mode", "blueprint", "started_at", "submitted_at", "score")
    list_filter = ("mode", "blueprint")


admin.site.register(ReviewCard)

ACTIONS = {"retire": ItemStatus.Status.RETIRED, "review": ItemStatus.Status.REVIEW, "restore": ItemStatus.Status.ACTIVE}


@admin.register(ItemStatus)
class ItemStatusAdmin(admin.ModelAdmin):
    """Editors' verdicts, plus the item analysis page that proposes them (Item statuses → Item analysis)."""

    list_display = ("item_id", "status", "changed_at", "note")
    list_filter = ("status",)
    search_fields = ("item_id", "note")
    change_list_template = "admin/quiz/itemstatus/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.analysis_view)
        return [path("analysis/", view, name="quiz_item_analysis"), *super().get_urls()]

    def analysis_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return HttpResponse("You may not change item statuses.", status=403)
        bank = questions.load()
        if request.method == "POST":
            item_id, action = request.POST.get("item_id", ""), request.POST.get("action", "")
            if item_id not in bank.items or action not in ACTIONS:
                messages.error(request, "Unknown item or action: nothing was changed.")
            else:
                ItemStatus.objects.update_or_create(item_id=item_id, defaults={"status": ACTIONS[action]})
                messages.success(request, f"{item_id}: {ACTIONS[action].label.lower()}.")
            return HttpResponseRedirect(reverse("admin:quiz_item_analysis") + f"?show={request.GET.get('show', '')}")
        stats = analysis.analyse(analysis.answer_rows())
        statuses = dict(ItemStatus.objects.values_list("item_id", "status"))
        show_all = request.GET.get("show") == "all"
        rows = [
            {"stats": s, "item": bank.items.get(s.item_id), "status": statuses.get(s.item_id, "active")}
            for s in stats.values()
            if show_all or s.flags
        ]
        rows.sort(key=lambda r: (not r["stats"].flags, r["stats"].discrimination or 0.0))
        context = {
            **self.admin_site.each_context(request),
            "title": "Item analysis",
            "rows": rows,
            "show_all": show_all,
            "analysed": len(stats),
            "bank_size": len(bank.items),
            "min_answers": analysis.MIN_ANSWERS,
            "opts": self.model._meta,
        }
        return render(request, "admin/quiz/item_analysis.html", context)
