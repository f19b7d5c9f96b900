"""The overview page's two models and the course's topic map."""
