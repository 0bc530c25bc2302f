"""Quizzes: the item bank (content/quiz), grading, attempts and review scheduling."""
