"""Signals that carry from one site to another: a shortened link, a link in a first comment,
contact details, an invitation to the writer's own page, a name that is a trade or a link,
and a comment in another language. Each catches the comment it is for and leaves a reader's
alone; none marks spam on its own."""

import pytest

from comments.models import Comment
from comments.screening import screen
from comments.screening.checks import language
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


@pytest.fixture
def known(post):
    """Dana has an approved comment: with nothing against a comment, it is published."""
    comment = Comment(post=post, author_name="Dana", author_email="dana@example.net",
                      body="An earlier comment.", status=Comment.Status.APPROVED)  # fmt: skip
    comment.save()


def verdict_on(post, **fields):
    return screen(submission(post, **fields))


def says(verdict, words):
    return any(words in reason for reason in verdict.reasons)


# --- shortened links


SHORTENED = ["Free ringtones here https://bit.ly/3xYz12 enjoy", "my new song adf.ly / KlD3Y"]


@pytest.mark.parametrize("body", SHORTENED)
def test_a_shortened_link_is_held_and_named(post, known, body):
    verdict = verdict_on(post, body=body)

    assert verdict.action == Action.HOLD
    assert verdict.held_reasons == ("it contains a shortened link",)
    assert says(verdict, "a shortened link")


def test_a_link_to_the_page_itself_is_no_shortened_link(post, known):
    verdict = verdict_on(post, body="The council's own page: https://council.example/parking")

    assert verdict.action == Action.APPROVE


# --- a link in a first comment


@pytest.fixture
def newcomers_published(settings):
    """A blog that publishes a newcomer's comment when nothing speaks against it."""
    settings.BROADSHEET_SCREENING_APPROVE_SCORE = 0


LINKED = "The council's own page says otherwise: https://council.example/parking"


def test_a_link_in_a_first_comment_is_held(post, newcomers_published):
    verdict = verdict_on(post, body=LINKED, author_email="newcomer@example.net")

    assert verdict.action == Action.HOLD
    assert says(verdict, "first comment from this address, with a link")
    assert verdict.held_reasons == ("it is your first comment here",)


def test_a_first_comment_without_a_link_and_a_known_writers_link_pass(
    post, known, newcomers_published
):
    first = verdict_on(post, body="The council's own page says otherwise.",
                       author_email="newcomer@example.net")  # fmt: skip
    known_writer = verdict_on(post, body=LINKED)

    assert first.action == Action.APPROVE
    assert known_writer.action == Action.APPROVE


# --- contact details


@pytest.mark.parametrize("body", [
    "Lonely? talk to me +44 7935 454150 xxx",
    "Best loans, whatsapp me on the number in my profile",
    "Get your refund: call us at the office, 0687119038",
])  # fmt: skip
def test_contact_details_are_held(post, known, body):
    verdict = verdict_on(post, body=body)

    assert verdict.action == Action.HOLD
    assert says(verdict, "contact details")


@pytest.mark.parametrize("body", [
    "1.000.000.000 views and counting, what a year 2015 was",
    "The charge went from 1,250 to 2,400 pounds between 2019 and 2023.",
])  # fmt: skip
def test_numbers_that_are_not_phone_numbers_pass(post, known, body):
    assert verdict_on(post, body=body).action == Action.APPROVE


# --- an invitation to the writer's own page


@pytest.mark.parametrize("body", [
    "Lovely piece on parking. Check out my channel for more city tips!",
    "We help drivers save money, visit our site today",
    "great post!!! subscribe to my page and I will sub back",
])  # fmt: skip
def test_an_invitation_to_the_writers_own_page_is_held(post, known, body):
    verdict = verdict_on(post, body=body)

    assert verdict.action == Action.HOLD
    assert verdict.held_reasons == ("it invites readers to your own page",)
    assert says(verdict, "an invitation to the writer's own page")


@pytest.mark.parametrize("body", [
    "I wrote about the same charges on my blog last year; the council never answered.",
    "My track record with parking permits is poor, but this one went through in a week.",
    "Did you check out the meters on Mill Lane? They take cards now.",
])  # fmt: skip
def test_a_reader_mentioning_their_own_blog_is_not_invited_anywhere(post, known, body):
    assert verdict_on(post, body=body).action == Action.APPROVE


def test_an_invitation_and_contact_details_make_spam(post):
    verdict = verdict_on(post, author_email="promo@example.net",
                         body="Check out my page, whatsapp me for deals")  # fmt: skip

    assert verdict.action == Action.SPAM


# --- names


@pytest.mark.parametrize(
    "name", ["Best Printer Support", "cheap essays online", "www.loans.example"]
)
def test_a_name_that_is_a_trade_or_a_link_is_held(post, name):
    verdict = verdict_on(post, author_name=name, author_email="new@example.net")

    assert says(verdict, "the name is")
    assert verdict.action == Action.HOLD


@pytest.mark.parametrize("name", ["George Best", "Dana Reader", "María José Online-Smith"])
def test_a_persons_name_passes(post, known, name):
    verdict = verdict_on(post, author_name=name)

    assert not says(verdict, "the name is")
    assert verdict.action == Action.APPROVE


# --- language


def test_a_comment_in_another_language_is_held_not_spam(post, known, settings):
    settings.BROADSHEET_LANGUAGES = ["en"]

    verdict = verdict_on(post, body="Je pense que le conseil devrait publier ses comptes rendus "
                                    "beaucoup plus tôt, comme les autres communes.")  # fmt: skip

    assert verdict.action == Action.HOLD
    assert says(verdict, "written in another language (fr")
    assert verdict.held_reasons == ("a moderator who reads its language will look at it",)


def test_a_comment_in_the_blogs_languages_passes(post, known, settings):
    settings.BROADSHEET_LANGUAGES = ["en", "fr"]
    french = "Je pense que le conseil devrait publier ses comptes rendus beaucoup plus tôt."

    assert verdict_on(post, body=french).action == Action.APPROVE
    assert verdict_on(post, body="I think the council should publish its minutes much sooner "
                                 "than it does.").action == Action.APPROVE  # fmt: skip


def test_a_short_comment_is_not_guessed_at(post, known, settings):
    settings.BROADSHEET_LANGUAGES = ["en"]

    assert verdict_on(post, body="Merci beaucoup !").action == Action.APPROVE


@pytest.fixture
def fresh_language_model():
    """The language check's model loaded anew for the test, and again after it."""
    language._identifier.cache_clear()
    yield language._identifier
    language._identifier.cache_clear()


SAMPLES = [
    "Je pense que le conseil devrait publier ses comptes rendus beaucoup plus tôt.",
    "Ich glaube, der Gemeinderat sollte seine Protokolle viel früher veröffentlichen.",
    "Creo que el ayuntamiento debería publicar sus actas mucho antes.",
    "I think the council should publish its minutes much sooner than it does.",
]


def test_the_language_model_is_unpacked_once_and_answers_as_py3langids_own(
    fresh_language_model, settings, tmp_path
):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    settings.BROADSHEET_MODEL_DIR = tmp_path / "models"
    mapped = fresh_language_model()
    unpacked = list((tmp_path / "models").iterdir())
    language._identifier.cache_clear()
    fresh_language_model()  # a second process finds it unpacked

    assert [folder.name for folder in unpacked] == [p.name for p in (tmp_path / "models").iterdir()]
    assert {f.name for f in unpacked[0].iterdir()} >= {"nextmove.npy", "ptc.npy", "classes.json"}
    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert [mapped.classify(text) for text in SAMPLES] == [own.classify(text) for text in SAMPLES]
    assert [mapped.classify(text)[0] for text in SAMPLES] == ["fr", "de", "es", "en"]


def test_without_a_folder_to_unpack_into_the_model_is_loaded_into_memory(
    fresh_language_model, settings, tmp_path, post, known
):
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    settings.BROADSHEET_MODEL_DIR = taken / "models"
    settings.BROADSHEET_LANGUAGES = ["en"]

    verdict = verdict_on(post, body=SAMPLES[0])

    assert says(verdict, "written in another language (fr")


# --- together


def test_two_kinds_of_evidence_make_spam(post):
    verdict = verdict_on(post, author_name="Cheap Loans Online", author_email="x@loans.example",
                         body="Fast cash today, whatsapp me on +1 555 010 2233 4455")  # fmt: skip

    assert verdict.action == Action.SPAM
