"""The learned scorer: features of candidates, logistic models read from data/scorer.json, gold matching for training."""
