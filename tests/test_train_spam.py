"""`manage.py train_spam`: bootstrapping the classifier from a labeled file."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import ClassifierState, TokenCount

pytestmark = pytest.mark.django_db

LABELED = str(Path(__file__).parent / "data" / "labeled_comments.jsonl")


def train_spam(path):
    out, err = StringIO(), StringIO()
    call_command("train_spam", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_trains_as_outside_training_not_the_blogs_own():
    out, _ = train_spam(LABELED)

    state = ClassifierState.objects.get()
    assert (state.spam, state.ham) == (8, 8)
    assert (state.own_spam, state.own_ham) == (0, 0)
    assert TokenCount.objects.get(token="cheap").spam == 5
    assert "Trained on 8 spam and 8 ham" in out
    assert "marks none spam" in out


def test_training_twice_adds_up():
    train_spam(LABELED)
    train_spam(LABELED)

    state = ClassifierState.objects.get()
    assert (state.spam, state.ham) == (16, 16)
    assert TokenCount.objects.get(token="cheap").spam == 10


def test_malformed_lines_are_reported_with_their_numbers_and_skipped():
    _, err = train_spam(LABELED)

    assert "line 17: not valid JSON" in err
    assert "line 18" in err and "line 19" in err


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match="Cannot read"):
        train_spam("/nonexistent/labeled.jsonl")
