"""Lessons: TOML files in `lessons/` (data, not code), their loader, and goal checking.

`load` reads and validates files (no torch), `goals` checks a goal on a live trainer.
"""
from engine.lessons.lesson import EVENTS, METRICS, Check, Lesson, SolutionStep, describe
from engine.lessons.load import LESSONS_DIR, Catalog, LessonError, load_catalog, parse_lesson

__all__ = ["EVENTS", "METRICS", "Check", "Lesson", "SolutionStep", "describe", "LESSONS_DIR",
           "Catalog", "LessonError", "load_catalog", "parse_lesson"]
