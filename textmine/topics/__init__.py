"""Topic models behind one interface; the engine is chosen by name."""

from .model import ENGINES, TopicModel, doc_topics_table, fit_topics, topic_terms_table

__all__ = ["ENGINES", "TopicModel", "doc_topics_table", "fit_topics", "topic_terms_table"]
