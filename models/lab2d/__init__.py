"""The 2-D lab: toy data, four small live-trained models, one live run."""
