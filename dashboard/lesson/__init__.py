"""The class's lesson: one question record per page, the lesson path, sharing and live answers."""
