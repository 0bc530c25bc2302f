"""Instructors' classes: a join code, each learner's progress, a CSV export."""
