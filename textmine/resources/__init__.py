"""Bundled data files: the domain lexicon and the domain stopword list."""
