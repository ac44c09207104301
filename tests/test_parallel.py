"""Dask: reading, cleaning and segmentation on a cluster give the same outputs byte for byte."""

from __future__ import annotations

import pytest

import textmine as tm

from conftest import CORPUS


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


@pytest.mark.slow
def test_dask_local_cluster_gives_byte_identical_outputs(tmp_path, corpus_copy):
    pytest.importorskip("distributed")
    base = _config(tmp_path, corpus_copy).replace(scale={"cache": False}, output={"wordclouds": False, "plots": False})
    single = tm.run(base)
    tm.write_run(single, tmp_path / "single", images=False)
    # Threads keep the test fast; worker processes get a pickled segmenter (test_fast_segment checks that).
    dask = tm.run(base.replace(scale={"scheduler": "dask", "workers": 2, "dask_processes": False,
                                      "partition_docs": 1, "partition_units": 100}))
    assert dask.prepared.segment_info["scheduler"] == "dask"
    tm.write_run(dask, tmp_path / "dask", images=False)
    names = sorted(p.name for p in (tmp_path / "single").glob("*.csv"))
    assert len(names) >= 9
    for name in names:
        assert (tmp_path / "single" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    assert dask.prepared.dropped == single.prepared.dropped


def test_bad_scheduler_is_a_config_error(capsys):
    from textmine.cli import main

    assert main(["run", "--corpus", str(CORPUS), "--scheduler", "yarn", "--quiet"]) == 2
    assert "[scale] scheduler = 'yarn'" in capsys.readouterr().err
