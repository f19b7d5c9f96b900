"""Music as tokens: the chorale melodies, the melody GPT and its training."""
