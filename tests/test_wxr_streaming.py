"""A large export is read as a stream: memory does not grow with the file."""

import tracemalloc

from blog.wxr.reader import Item, WXRReader
from tests.wxr_files import write_synthetic_export


def peak_memory_reading(path):
    tracemalloc.start()
    try:
        items = sum(isinstance(record, Item) for record in WXRReader(str(path)))
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_eight_times_more_posts_takes_no_more_memory(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_synthetic_export(small, posts=50, comments_per_post=20)
    large_size = write_synthetic_export(large, posts=400, comments_per_post=20)

    small_items, small_peak = peak_memory_reading(small)
    large_items, large_peak = peak_memory_reading(large)

    assert (small_items, large_items) == (50, 400)
    assert large_peak < small_peak * 1.5
    assert large_peak < large_size / 10
