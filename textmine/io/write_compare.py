"""Write the comparison outputs that are not plain tables: charts and network files."""

from __future__ import annotations


def write_comparison_files(writer, tables: dict, seed: int, *, images: bool) -> None:
    """keyness.png, trends_period.png, cooccurrence.png (when images are on) and the GEXF/GraphML graph,
    from whichever of their tables are in ``tables``."""
    if "cooccurrence" in tables and "cooccurrence_nodes" in tables:
        from ..network import graph_files

        for name, data in graph_files(tables["cooccurrence"], tables["cooccurrence_nodes"]).items():
            writer.write_bytes(name, data)
    if not images:
        return
    from ..charts import keyness_plot, network_plot, period_trend_plot

    if "trends_period" in tables:
        writer.write_figure("trends_period.png", lambda: period_trend_plot(tables["trends_period"]),
                            tables["trends_period"])
    if "keyness_compare" in tables:
        writer.write_figure("keyness.png", lambda: keyness_plot(tables["keyness_compare"]), tables["keyness_compare"])
    if "cooccurrence" in tables and "cooccurrence_nodes" in tables:
        writer.write_figure("cooccurrence.png",
                            lambda: network_plot(tables["cooccurrence"], tables["cooccurrence_nodes"], seed=seed),
                            tables["cooccurrence"], tables["cooccurrence_nodes"], seed)
