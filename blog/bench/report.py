"""The benchmark's one table, its other figures, and their machine-readable copy."""

import json
import os
import statistics
from dataclasses import asdict, dataclass

CEILING = "static file: post, 14 comments"

COLUMNS = [
    # (heading, width, row key, format)
    ("page", 30, "page", "{}"),
    ("conns", 5, "connections", "{}"),
    ("req/s", 9, "per_second", "{:,.1f}"),
    ("p50 ms", 8, "p50_ms", "{:.1f}"),
    ("p99 ms", 8, "p99_ms", "{:.1f}"),
    ("non-2xx", 7, "non_2xx", "{:,}"),
    ("errors", 6, "errors", "{:,}"),
    ("× ceiling", 9, "ratio", "{:.4f}"),
    ("bytes", 9, "bytes", "{:,}"),
]


@dataclass
class Row:
    page: str
    connections: int
    requests: int
    per_second: float
    p50_ms: float | None  # None: no request finished in the run
    p99_ms: float | None
    non_2xx: int
    errors: int
    bytes: int
    ratio: float = 0.0


def set_ratios(rows):
    """Each row's rate over the ceiling's at the same number of connections."""
    ceiling = {row.connections: row.per_second for row in rows if row.page == CEILING}
    for row in rows:
        base = ceiling.get(row.connections)
        row.ratio = row.per_second / base if base else 0.0


def table(rows):
    def line(cells):
        return "  ".join(
            f"{cell:<{width}}" if n == 0 else f"{cell:>{width}}"
            for n, (cell, (_, width, _, _)) in enumerate(zip(cells, COLUMNS, strict=True))
        )

    lines = [line([heading for heading, *_ in COLUMNS])]
    lines.append("-" * len(lines[0]))
    for row in rows:
        values = asdict(row)
        cells = [form.format(values[key]) if values[key] is not None else "–"
                 for _, _, key, form in COLUMNS]  # fmt: skip
        lines.append(line(cells))
    return "\n".join(lines)


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def figures(queries, renders, writing, stored, workers_mb, load):
    """The other figures, as the lines printed under the table and as a dict."""
    rate = len(writing.acknowledged) / writing.seconds if writing.seconds else 0.0
    comments = {
        "acknowledged": len(writing.acknowledged),
        "seconds": round(writing.seconds, 2),
        "per_second": round(rate, 1),
        "post_p50_ms": round(statistics.median(writing.post_ms), 1) if writing.post_ms else 0,
        "post_p99_ms": round(percentile(writing.post_ms, 0.99), 1),
        "refused": {str(status): count for status, count in writing.refused.items()},
        **stored,
    }
    refused = ", ".join(f"{n} × {status}" for status, n in writing.refused.items()) or "none"
    lines = [
        "Queries per page (one uncached view): "
        + ", ".join(f"{page} {count}" for page, count in queries.items()),
        "Uncached render, median ms (after a comment / after a content change): "
        + ", ".join(f"{page} {ms['after a comment']:.1f} / {ms['after a content change']:.1f}"
                    for page, ms in renders.items()),  # fmt: skip
        f"Comments through the form: {comments['per_second']:.1f} comments/s "
        f"({comments['acknowledged']} acknowledged in {writing.seconds:.1f} s; "
        f"POST p50 {comments['post_p50_ms']:.0f} ms, p99 {comments['post_p99_ms']:.0f} ms; "
        f"refused: {refused})",
        f"  stored exactly once: {stored['stored_once']} of {comments['acknowledged']}; "
        f"missing {stored['missing']}, stored twice or more {stored['duplicated']}; "
        f"statuses {stored['statuses']}",
        "Memory per worker after the runs, resident (of it unique to the worker): "
        + ", ".join(f"{rss:.0f} ({'?' if own is None else f'{own:.0f}'})"
                    for rss, own in workers_mb)  # fmt: skip
        + (f" MB (largest resident {max(rss for rss, _ in workers_mb):.0f} MB)"
           if workers_mb else "(no workers)"),  # fmt: skip
        f"Machine: {os.cpu_count()} CPUs; load average {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end (everything else running shares the CPUs)",
    ]
    return lines, {
        "queries_per_page": queries,
        "uncached_render_ms": renders,
        "comments": comments,
        "worker_rss_mb": [round(rss, 1) for rss, _ in workers_mb],
        "worker_unique_mb": [None if own is None else round(own, 1) for _, own in workers_mb],
        "cpus": os.cpu_count(),
        "load_average": {"start": load[0], "end": load[1]},
    }


def write_json(path, settings, rows, extra):
    document = {"settings": settings, "rows": [asdict(row) for row in rows], **extra}
    with open(path, "w") as out:
        json.dump(document, out, indent=2)
        out.write("\n")
