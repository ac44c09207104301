"""Topic models behind one interface; the engine is chosen by name."""

from .model import ENGINES, TopicModel, doc_topics_table, fit_topics, topic_terms_table

__all__ = ["ENGINES", "TopicModel", "analyse_topic_model", "doc_topics_table", "fit_topics", "parse_k",
           "topic_terms_table"]


def __getattr__(name):
    # The analysis layer (evaluation, stability, topic map) is imported only when asked for.
    if name == "analyse_topic_model":
        from .analysis import analyse_topic_model

        return analyse_topic_model
    if name == "parse_k":
        from .select import parse_k

        return parse_k
    raise AttributeError(name)
