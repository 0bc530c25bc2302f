from __future__ import annotations

from django.urls import path

from . import views

app_name = "classes"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("join/signup/", views.join_signup, name="join_signup"),
    path("<int:classroom_id>/", views.detail, name="detail"),
    path("<int:classroom_id>/export.csv", views.export, name="export"),
    path("<int:classroom_id>/code/", views.new_code, name="new_code"),
    path("<int:classroom_id>/delete/", views.delete, name="delete"),
    path("<int:classroom_id>/leave/", views.leave, name="leave"),
    path("<int:classroom_id>/learners/<int:user_id>/", views.learner, name="learner"),
    path("<int:classroom_id>/learners/<int:user_id>/remove/", views.remove, name="remove"),
]
