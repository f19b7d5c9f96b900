"""Loaders of the overview page: the small classifier and the per-class Gaussian."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import Guarded


@st.cache_resource(show_spinner=False)
def classifier() -> Guarded:
    from models.basics.overview import Classifier

    return Guarded(Classifier.load())


@st.cache_resource(show_spinner=False)
def gaussian() -> Guarded:
    from models.basics.overview import ClassGaussian

    return Guarded(ClassGaussian.load())
