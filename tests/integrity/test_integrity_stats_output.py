from registers.stats import SUPPRESSED, StatsScope, compute_stats, suppress, to_csv


def test_suppression_hides_one_to_four_only():
    data = {
        "scope": {"force": "kent"},
        "a": 0,
        "b": 1,
        "c": 4,
        "d": 5,
        "e": {"f": 3, "g": 12},
        "suppressed": True,
    }
    out = suppress(data)
    assert out == {
        "scope": {"force": "kent"},
        "a": 0,
        "b": SUPPRESSED,
        "c": SUPPRESSED,
        "d": 5,
        "e": {"f": SUPPRESSED, "g": 12},
        "suppressed": True,
    }


def test_csv_has_one_row_per_figure(sample_session):
    stats = compute_stats(sample_session, StatsScope("kent"))
    lines = to_csv(stats).splitlines()
    assert lines[0] == "metric,value"
    rows = dict(line.split(",", 1) for line in lines[1:])
    assert rows["scope.force"] == "kent"
    assert int(rows["investigations.total"]) == stats["investigations"]["total"] > 0


def test_published_and_internal_differ_only_where_counts_are_small(sample_session):
    internal = compute_stats(sample_session, StatsScope("city-of-london"))
    published = compute_stats(sample_session, StatsScope("city-of-london"), published=True)
    assert (
        internal["social_media"]["instances"] == 2
        and published["social_media"]["instances"] == SUPPRESSED
    )
    assert published["investigations"]["total"] == internal["investigations"]["total"] == 15
