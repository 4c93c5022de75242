import html
import json
import logging
import mmap
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from comments.screening.submission import Action, Signal
from comments.screening.text import links_and_tags_removed

logger = logging.getLogger(__name__)

# Fewer letters than this (in what the guess reads) say too little ("lol", "Wow!!").
MIN_LETTERS = 30
# How sure the guess must be before a comment is held for it.
MIN_PROBABILITY = 0.95
# The guess reads this many characters at most: two or three sentences tell the language
# as surely as a whole essay (the same decision on every text of the spam corpora), and the
# work grows with the length (a long comment cost 1 ms, 200 characters cost 0.08 ms).
SAMPLE_CHARACTERS = 200


class Language:
    """A comment in a language other than BROADSHEET_LANGUAGES is held for a moderator
    who can read it, never marked spam: a reader writing in their own language is no
    spammer, but neither the classifier nor the moderators' lists know their words."""

    def warm_up(self):
        if settings.BROADSHEET_LANGUAGES:
            _identifier()

    def __call__(self, submission):
        wanted = settings.BROADSHEET_LANGUAGES
        if not wanted:
            return None
        sample = links_and_tags_removed(html.unescape(submission.body))[:SAMPLE_CHARACTERS]
        if sum(c.isalpha() for c in sample) < MIN_LETTERS:
            return None
        language, probability = _identifier().classify(sample)
        if language in wanted or probability < MIN_PROBABILITY:
            return None
        return Signal(
            f"written in another language ({language}, {probability:.2f})",
            action=Action.HOLD,
            held_reason="a moderator who reads its language will look at it",
        )


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, loaded once per process (in gunicorn's master, before the workers
    fork). It ships compressed in the wheel and is some 70 MB unpacked: unpacked into
    memory, it made every worker that much larger. So it is unpacked once per machine into
    BROADSHEET_MODEL_DIR and mapped read-only: the processes share one copy in the page
    cache, and each holds only the pages its comments touched. Without a folder it may
    write to, it is loaded into memory as before."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        ptc, pc, classes, nextmove, row, output = _mapped_model(Path(MODEL_DIR) / MODEL_FILE)
    except (OSError, ValueError) as error:
        logger.warning("Language model loaded into memory, not mapped: %s", error)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)


_PARTS = ("ptc", "pc", "nextmove", "row", "output")


def _mapped_model(source):
    """The model's parts as py3langid's loader gives them, with the large ones mapped from
    files unpacked beside the others of the same model file (named by its size and time)."""
    import numpy

    stat = source.stat()
    folder = Path(settings.BROADSHEET_MODEL_DIR) / f"py3langid-{stat.st_size}-{stat.st_mtime_ns}"
    if not folder.is_dir():
        _unpack(source, folder)
    parts = {name: numpy.load(folder / f"{name}.npy", mmap_mode="r") for name in _PARTS}
    for part in parts.values():
        # A comment reads a few hundred scattered entries: without this, each read would
        # map the pages around it too, and a worker would soon hold most of the model.
        part._mmap.madvise(mmap.MADV_RANDOM)
    classes = json.loads((folder / "classes.json").read_text())
    # py3langid walks the two tables a byte at a time: memoryviews give it plain ints.
    return (parts["ptc"], numpy.asarray(parts["pc"]), classes, memoryview(parts["nextmove"]),
            memoryview(parts["row"]), memoryview(parts["output"]))  # fmt: skip


def _unpack(source, folder):
    """Write the model's parts as .npy files, into a folder of this process's own that is
    renamed into place whole: a process that finds the folder finds it complete."""
    import numpy
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(source)
    folder.parent.mkdir(parents=True, exist_ok=True)
    unpacking = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        arrays = {"ptc": ptc, "pc": pc, "nextmove": numpy.asarray(nextmove),
                  "row": numpy.asarray(row),
                  "output": numpy.asarray(output, dtype=numpy.int32)}  # fmt: skip
        for name, array in arrays.items():
            with open(unpacking / f"{name}.npy", "wb") as file:
                numpy.save(file, array)
                # Written pages sit in the page cache in large blocks, and a mapped read maps
                # a whole block: read back from disk instead, a page at a time.
                file.flush()
                os.fsync(file.fileno())
                os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        (unpacking / "classes.json").write_text(json.dumps(classes))
        unpacking.rename(folder)
    except OSError:
        if not folder.is_dir():  # another process renamed its own first: theirs is as good
            raise
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)
