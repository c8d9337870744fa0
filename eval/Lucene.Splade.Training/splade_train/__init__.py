"""Training SPLADE heads for Lucene.Splade on a frozen BERT encoder (see the README)."""
