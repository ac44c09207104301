"""Write the comparison outputs that are not plain tables: charts and network files."""

from __future__ import annotations


def write_comparison_files(writer, result, *, images: bool) -> None:
    """keyness.png, trends_period.png, cooccurrence.png (when images are on) and the GEXF/GraphML graph."""
    from ..plots import save_figure

    tables = result.tables
    seed = result.prepared.config.seed
    if "cooccurrence" in tables and "cooccurrence_nodes" in tables:
        from ..network import graph_files

        for name, data in graph_files(tables["cooccurrence"], tables["cooccurrence_nodes"]).items():
            writer.write_bytes(name, data)
    if not images:
        return
    from ..charts import keyness_plot, network_plot, period_trend_plot

    figures = []
    if "trends_period" in tables:
        figures.append(("trends_period.png", lambda: period_trend_plot(tables["trends_period"])))
    if "keyness_compare" in tables:
        figures.append(("keyness.png", lambda: keyness_plot(tables["keyness_compare"])))
    if "cooccurrence" in tables and "cooccurrence_nodes" in tables:
        figures.append(("cooccurrence.png",
                        lambda: network_plot(tables["cooccurrence"], tables["cooccurrence_nodes"], seed=seed)))
    for name, draw in figures:
        save_figure(draw(), writer.path(name))
        writer.add_file(name)
