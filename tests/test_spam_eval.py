"""`manage.py spam_eval`: labeled comments through the real pipeline, cold and trained, with
nothing left behind."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import ClassifierState, Comment, TokenCount

pytestmark = pytest.mark.django_db

LABELED = str(Path(__file__).parent / "data" / "labeled_comments.jsonl")


@pytest.fixture(autouse=True)
def small_minimums(settings):
    settings.BROADSHEET_CLASSIFIER_MIN_TRAINING = 3
    settings.BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING = 3


def spam_eval(*args):
    out, err = StringIO(), StringIO()
    call_command("spam_eval", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_is_one_line_with_both_modes():
    out, _ = spam_eval(LABELED, "--folds", "4", "--json")

    assert len(out.strip().splitlines()) == 1
    result = json.loads(out)
    assert set(result) == {"cold", "trained", "records", "seconds"}
    assert result["records"] == 16
    assert result["cold"]["spam"] == result["cold"]["ham"] == 8


def test_cold_a_new_blog_holds_every_newcomer_and_marks_nothing_spam():
    cold = json.loads(spam_eval(LABELED, "--folds", "4", "--json")[0])["cold"]

    assert cold["ham_spam_rate"] == 0
    assert cold["ham_held_rate"] == 1
    assert cold["spam_held_rate"] == 1
    assert cold["recall"] == 0


def test_trained_by_cross_validation_it_publishes_no_spam_and_buries_no_ham():
    trained = json.loads(spam_eval(LABELED, "--folds", "4", "--json")[0])["trained"]

    assert trained["spam_published_rate"] == 0
    assert trained["ham_spam_rate"] == 0


def test_trained_by_cross_validation_a_sure_classifier_catches_the_spam(settings):
    settings.BROADSHEET_CLASSIFIER_SURE_CUTOFF = 0.74
    trained = json.loads(spam_eval(LABELED, "--folds", "4", "--json")[0])["trained"]

    assert trained["recall"] == 1
    assert trained["precision"] == 1
    assert trained["f1"] == 1


def test_trained_on_another_file_it_holds_spam_but_marks_none():
    trained = json.loads(spam_eval(LABELED, "--train", LABELED, "--json")[0])["trained"]

    assert trained["recall"] == 0
    assert trained["spam_held_rate"] == 1
    assert trained["ham_spam_rate"] == 0


def test_malformed_lines_are_reported_with_their_numbers_and_skipped():
    out, err = spam_eval(LABELED, "--folds", "4", "--json")

    assert "line 17: not valid JSON" in err
    assert "line 18: label must be" in err
    assert "line 19: no body" in err
    assert json.loads(out)["records"] == 16


def test_the_table_names_each_measure_for_both_modes():
    out, _ = spam_eval(LABELED, "--folds", "4")

    assert "16 records (8 spam, 8 ham)" in out
    assert "cold" in out and "trained, 4-fold" in out
    for label in ("precision (spam)", "recall (spam)", "F1 (spam)", "ham marked spam",
                  "ham held", "spam published"):  # fmt: skip
        assert label in out


def test_nothing_is_left_in_the_blog(make_post):
    post = make_post()
    kept = Comment.objects.create(post=post, author_name="Kept", body="A real comment")

    spam_eval(LABELED, "--folds", "4", "--json")

    assert list(Comment.objects.all()) == [kept]
    assert not TokenCount.objects.exists()
    assert not ClassifierState.objects.exists()


def test_a_missing_file_is_an_error_not_a_traceback():
    with pytest.raises(CommandError, match="Cannot read"):
        spam_eval("/nonexistent/labeled.jsonl")


TWO_SITES = str(Path(__file__).parent / "data" / "labeled_two_sites.jsonl")


def test_group_by_screens_each_group_with_a_classifier_that_never_saw_it(settings):
    # Each site has 4 spam; the classifier speaks only after 5. Left out, a site's spam is
    # missing from the training, so the classifier abstains and the rules hold everything.
    settings.BROADSHEET_CLASSIFIER_MIN_TRAINING = 5
    result = json.loads(spam_eval(TWO_SITES, "--group-by", "site", "--json")[0])

    assert set(result["groups"]) == {"council", "kitchen"}
    for site in result["groups"].values():
        assert (site["spam"], site["ham"]) == (4, 4)
        assert site["spam_held_rate"] == site["ham_held_rate"] == 1
    by_folds = json.loads(spam_eval(TWO_SITES, "--folds", "4", "--json")[0])["trained"]
    assert by_folds["ham_held_rate"] < 1


def test_group_by_reports_records_without_the_field_and_prints_each_group():
    out, err = spam_eval(TWO_SITES, "--group-by", "site")

    assert "line 17: no 'site' to group by" in err
    assert "trained, leave one site out" in out
    assert "\ncouncil " in out and "\nkitchen " in out


def test_group_by_needs_two_groups(tmp_path):
    one_site = tmp_path / "one_site.jsonl"
    one_site.write_text(
        '{"body": "Lovely soup", "label": "ham", "site": "kitchen"}\n'
        '{"body": "Cheap pills", "label": "spam", "site": "kitchen"}\n'
    )
    with pytest.raises(CommandError, match="fewer than two groups"):
        spam_eval(str(one_site), "--group-by", "site")


def test_training_counted_as_own_decisions_publishes_what_outside_training_only_holds():
    outside = json.loads(spam_eval(LABELED, "--train", LABELED, "--json")[0])["trained"]
    own = json.loads(spam_eval(LABELED, "--train", LABELED, "--own", "--json")[0])["trained"]

    assert outside["ham_held_rate"] == 1
    assert own["ham_held_rate"] == 0
    assert own["ham_spam_rate"] == 0


def test_own_goes_with_train():
    with pytest.raises(CommandError, match="--own goes with --train"):
        spam_eval(LABELED, "--own")
