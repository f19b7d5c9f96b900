"""Streamlit helpers every page uses: i18n, URL state and synced widgets, charts, exports, links, the image picker."""
