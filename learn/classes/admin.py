from __future__ import annotations

from django.contrib import admin

from .models import Classroom, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["learner"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "instructor", "join_code", "created_at"]
    search_fields = ["name", "instructor__username", "join_code"]
    raw_id_fields = ["instructor"]
    inlines = [MembershipInline]
