"""The README's Python API example runs as written, from a folder laid out as the repository is."""

from __future__ import annotations

import re

from conftest import CORPUS, REPO


def test_the_python_api_example_of_the_readme_runs(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "tm.run(config)" in code and "tm.write_report" in code
    (tmp_path / "corpus").symlink_to(CORPUS, target_is_directory=True)
    (tmp_path / "textmine.toml").write_text((REPO / "textmine.toml").read_text(encoding="utf-8"), encoding="utf-8")
    # the repository's cache, which `textmine run` (and CI, before the tests) fills: keyed by content and code,
    # so it never serves what other code made
    cache = REPO / ".textmine-cache"
    cache.mkdir(exist_ok=True)
    (tmp_path / ".textmine-cache").symlink_to(cache, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    out = tmp_path / "outputs"
    assert (out / "report.html").is_file() and (out / "trends.csv").is_file() and (out / "kwic.csv").is_file()
    lines = namespace["tm"].kwic_table(namespace["prepared"], ["具身智能"])   # the theme's rules: 具身机器人 too
    assert sorted(lines["match"].value_counts().items()) == [("具身智能", 24), ("具身机器人", 1)]
