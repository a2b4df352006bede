"""Inline figures of confined kernels: one draw gives matplotlib's tight PNG, and text
measured once per kernel gives the same pictures."""

from __future__ import annotations

import base64

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.core import pylabtools
from matplotlib import text as mtext
from matplotlib.backends.backend_agg import RendererAgg
from png_compare import pixels, same_picture

from autograder.sandbox.figures import one_draw_print_figure, share_text_metrics, tight_png
from utils.plots import plot_cost_curves, show_image_grid


def subplots_with_tight_layout():
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    axes[0].plot([1, 3, 2], label="a line")
    axes[0].legend()
    axes[1].imshow(np.random.default_rng(0).random((5, 5)))
    axes[1].set_title(r"$\alpha^2$ image")
    fig.tight_layout()
    return fig


def image_grid():
    rng = np.random.default_rng(1)
    return show_image_grid(rng.random((20, 64)), labels=np.arange(20) % 10,
                           class_names=[str(i) for i in range(10)], ncols=10,
                           image_shape=(8, 8), title="Some images")


def constrained_layout():
    fig = plt.figure(layout="constrained")
    fig.add_subplot().plot(np.sin(np.linspace(0, 6, 50)))
    return fig


def heatmap_with_colorbar():
    fig, ax = plt.subplots(figsize=(6, 4))
    fig.colorbar(ax.imshow(np.random.default_rng(2).random((4, 4))), ax=ax)
    ax.set_ylabel("regularization strength")
    return fig


def cost_curves():
    ax = plot_cost_curves({"lr=0.1": np.exp(-np.arange(50) / 9.0)}, xlabel="step",
                          ylabel="cost", logy=True, title="Cost per step")
    return ax.figure


FIGURES = [subplots_with_tight_layout, image_grid, constrained_layout,
           heatmap_with_colorbar, cost_curves]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_one_draw_matches_matplotlibs_tight_png(make):
    fig = make()
    ours = tight_png(fig)
    assert ours is not None
    assert same_picture(ours, pylabtools.print_figure(fig, "png"))


def test_the_comparison_sees_a_changed_figure():
    fig = subplots_with_tight_layout()
    before = tight_png(fig)
    fig.axes[0].plot([0, 2], [1, 3], lw=3, color="red")
    after = pylabtools.print_figure(fig, "png")
    assert not same_picture(before, after)
    assert same_picture(tight_png(fig), after)


def test_a_figure_drawn_outside_itself_takes_matplotlibs_path():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1])
    ax.text(-0.6, 0.5, "a label left of the figure", transform=ax.transAxes)
    assert tight_png(fig) is None
    printed = one_draw_print_figure(pylabtools.print_figure)(fig, "png")
    assert printed == pylabtools.print_figure(fig, "png")  # the text is in view


def test_the_wrapper_keeps_print_figures_contract():
    fig = subplots_with_tight_layout()
    wrapped = one_draw_print_figure(pylabtools.print_figure)
    encoded = wrapped(fig, "png", base64=True)
    assert base64.b64decode(encoded) == tight_png(fig)
    assert wrapped(fig, "svg").startswith("<?xml")
    assert wrapped(fig, "png", bbox_inches=None) == pylabtools.print_figure(
        fig, "png", bbox_inches=None)
    retina = wrapped(fig, "retina")
    assert pixels(retina).shape[1] > 1.9 * pixels(tight_png(fig)).shape[1]
    assert wrapped(plt.figure(), "png") is None  # an empty figure shows nothing


def test_a_figure_that_fails_to_draw_fails_as_in_matplotlib():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    ax.text(0.5, 0.5, r"$\frac{1}{$")  # math text that does not parse
    wrapped = one_draw_print_figure(pylabtools.print_figure)
    with pytest.raises(ValueError, match="frac"):
        pylabtools.print_figure(fig, "png")
    with pytest.raises(ValueError, match="frac"):
        wrapped(fig, "png")


@pytest.fixture()
def restore_metrics():
    """Undo share_text_metrics after the test (it patches matplotlib for the process)."""
    saved = mtext._get_text_metrics_with_cache, RendererAgg.__init__
    yield
    mtext._get_text_metrics_with_cache, RendererAgg.__init__ = saved


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_shared_measurements_give_the_same_pictures(make, restore_metrics):
    """With text measured once per process, is every figure (drawn twice as a new figure:
    the second time from the cache) the picture matplotlib prints on its own?"""
    own = pylabtools.print_figure(make(), "png")
    share_text_metrics()
    for _ in range(2):
        assert same_picture(tight_png(make()), own)


def test_a_text_is_measured_once_for_all_renderers(restore_metrics, monkeypatch):
    """Is a text measured on one Agg renderer not measured again on the next, unless the
    font settings changed?"""
    share_text_metrics()
    calls = []
    measure = RendererAgg.get_text_width_height_descent

    def counted(self, s, prop, ismath):
        calls.append(s)
        return measure(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)

    def width(text: str) -> float:
        fig = plt.figure(dpi=100)
        label = fig.text(0.5, 0.5, text)
        return label.get_window_extent(RendererAgg(400, 300, 100)).width

    first = [width("a label"), width(r"$10^{-2}$")]
    assert [width("a label"), width(r"$10^{-2}$")] == first
    assert calls == ["a label", r"$10^{-2}$"]
    with matplotlib.rc_context({"mathtext.fontset": "cm", "font.sans-serif": ["DejaVu Serif"]}):
        changed = [width("a label"), width(r"$10^{-2}$")]
    assert calls[2:] == ["a label", r"$10^{-2}$"]
    assert changed[0] != first[0] and changed[1] != first[1]
