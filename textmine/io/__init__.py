"""Reading corpora and writing results: the only modules that touch files."""
