"""Wiring exercises: each solution passes every check and each starter fails at least one."""

from __future__ import annotations

import pytest

from learn.wiring import exercises

ALL = sorted(exercises.load())


def test_there_are_at_least_six_exercises():
    assert len(ALL) >= 6


@pytest.mark.parametrize("exercise_id", ALL)
def test_solution_passes(exercise_id):
    exercise = exercises.get(exercise_id)
    verdict = exercises.grade(exercise, exercise.solution)
    failed = [(c.label, c.detail) for c in verdict.checks if not c.passed]
    assert verdict.passed, failed
    assert verdict.trace is not None or not exercise.scenario


@pytest.mark.parametrize("exercise_id", ALL)
def test_starter_fails(exercise_id):
    exercise = exercises.get(exercise_id)
    verdict = exercises.grade(exercise, exercise.starter)
    assert not verdict.passed


@pytest.mark.parametrize("exercise_id", ALL)
def test_starter_fails_on_the_check_the_goal_is_about(exercise_id):
    """The starter is not merely broken: it trips one of the exercise's own checks, not only a lint error."""
    exercise = exercises.get(exercise_id)
    verdict = exercises.grade(exercise, exercise.starter)
    failed = [c.label for c in verdict.checks if not c.passed]
    assert any(label != "No error-level finding" for label in failed), failed


def test_unreadable_template_fails_with_its_reason():
    exercise = exercises.get(ALL[0])
    verdict = exercises.grade(exercise, "Resources: [\n")
    assert not verdict.passed
    assert verdict.checks[0].detail


def test_a_template_without_the_sources_wiring_fails():
    exercise = exercises.get("kinesis-poison-record")
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n'
    verdict = exercises.grade(exercise, text)
    assert not verdict.passed
    assert any("wires" in c.label and not c.passed for c in verdict.checks)


def test_checked_lints_the_same_text_once(monkeypatch):
    import learn.wiring

    calls = []
    real = learn.wiring.check_template

    def counting(text, filename="template.yaml", lint=True):
        calls.append(text)
        return real(text, filename=filename, lint=lint)

    monkeypatch.setattr(learn.wiring, "check_template", counting)
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Only:\n    Type: AWS::SQS::Queue\n'
    first = exercises.checked(text)
    assert exercises.checked(text) is first
    assert len(calls) == 1


def test_a_broken_exercise_folder_is_named(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "exercise.toml").write_text('title = "T"\nsource = "sqs"\ngoal = "G"\n[scenario]\nkey = "nope"\n')
    (folder / "starter.yaml").write_text("Resources: {}\n")
    (folder / "solution.yaml").write_text("Resources: {}\n")
    with pytest.raises(exercises.ExerciseError, match="broken"):
        exercises.load(tmp_path)


def test_an_exercise_without_an_aws_docs_link_is_refused(tmp_path):
    folder = tmp_path / "nodocs"
    folder.mkdir()
    (folder / "exercise.toml").write_text('title = "T"\nsource = "sqs"\ngoal = "G"\ndocs = ["https://example.com/"]\n')
    (folder / "starter.yaml").write_text("Resources: {}\n")
    (folder / "solution.yaml").write_text("Resources: {}\n")
    with pytest.raises(exercises.ExerciseError, match="docs"):
        exercises.load(tmp_path)
    assert all(e.docs for e in exercises.load().values())


def test_kinesis_retries_alone_do_not_pass_the_poison_record_exercise():
    exercise = exercises.get("kinesis-poison-record")
    half = exercise.starter.replace("StartingPosition:", "MaximumRetryAttempts: 2\n            StartingPosition:", 1)
    assert half != exercise.starter
    verdict = exercises.grade(exercise, half)
    failed = [c.label for c in verdict.checks if not c.passed]
    assert any("on-failure destination" in label for label in failed), failed
    assert not verdict.passed


def test_checks_speak_the_templates_words_not_the_engines():
    exercise = exercises.get("sqs-dlq-after-five")
    wrong = exercise.solution.replace("maxReceiveCount: 5", "maxReceiveCount: 3")
    assert wrong != exercise.solution
    verdict = exercises.grade(exercise, wrong)
    labels = " ".join(c.label + " " + c.detail for c in verdict.checks)
    assert "RedrivePolicy maxReceiveCount is 5" in labels
    assert "Yours: 3." in labels
    for engine_word in ("max_receive_count", "redrive_policy", "queue-without-redrive"):
        assert engine_word not in labels
    for item in exercises.requirements(exercise):
        assert "_" not in item and "-without-" not in item


@pytest.mark.parametrize("exercise_id", sorted(exercises.load()))
def test_every_exercise_check_has_plain_words(exercise_id):
    exercise = exercises.get(exercise_id)
    for code in exercise.absent:
        assert code in exercises.ABSENT
    for name in [*exercise.settings, *exercise.at_most]:
        assert name in exercises.PROPERTIES
