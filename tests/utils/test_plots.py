"""Tests of utils.plots, drawn headless with the Agg backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from utils.plots import (
    _grid_values,
    _scalar_value,
    plot_contour_paths,
    plot_cost_curves,
    plot_function_and_derivative,
    plot_training_history,
    show_image_grid,
    visualize_weights,
)

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def normalized(image: np.ndarray) -> np.ndarray:
    """Per-image rescaling to [0, 1], written independently of utils.plots."""
    image = np.asarray(image, dtype=np.float64)
    return (image - image.min()) / (image.max() - image.min())


def bowl(point: np.ndarray) -> tuple[float, np.ndarray]:
    """``f(x) = x0^2 + 3 x1^2`` and its gradient."""
    value = point[0] ** 2 + 3.0 * point[1] ** 2
    return value, np.array([2.0 * point[0], 6.0 * point[1]])


def descent_path(x0, learning_rate: float, steps: int) -> np.ndarray:
    """Gradient-descent iterates on ``bowl``: ``(steps + 1, 2)``."""
    points = [np.asarray(x0, dtype=np.float64)]
    for _ in range(steps):
        points.append(points[-1] - learning_rate * bowl(points[-1])[1])
    return np.array(points)


def histories(seed: int, iterations: int = 50, epochs: int = 5) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    return {
        "loss_history": list(
            2.3 * np.exp(-np.arange(iterations) / 20) + 0.1 * rng.random(iterations)
        ),
        "train_acc_history": list(np.linspace(0.1, 0.9, epochs + 1)),
        "val_acc_history": list(np.linspace(0.1, 0.8, epochs + 1)),
    }


# ----------------------------------------------------------------------------- image grid


def bands(opaque: np.ndarray) -> list[slice]:
    """The runs of True in a 1-D mask, as slices."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], opaque.astype(int), [0]])))
    return [slice(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def tiles(fig: Figure) -> list[np.ndarray]:
    """The images of a grid figure, read back from its picture (the first axes; a colour
    bar may follow): the opaque blocks, row by row (gray tiles come back as (H, W), colour
    ones as (H, W, 3))."""
    ax = fig.axes[0]
    (image,) = ax.images
    picture = np.asarray(image.get_array())
    assert picture.ndim == 3 and picture.shape[-1] == 4
    found = []
    for rows in bands(picture[..., 3].max(axis=1) > 0):
        for cols in bands(picture[rows, :, 3].max(axis=0) > 0):
            tile = picture[rows, cols]
            assert np.all(tile[..., 3] == 1.0)
            rgb = tile[..., :3]
            gray = np.all(rgb == rgb[..., :1])
            found.append(rgb[..., 0] if gray else rgb)
    return found




@pytest.mark.parametrize(
    ("shape", "image_shape", "shown"),
    [
        ((7, 8, 6), None, (8, 6)),
        ((7, 8, 6, 3), None, (8, 6, 3)),
        ((7, 48), (8, 6), (8, 6)),
        ((7, 144), (8, 6, 3), (8, 6, 3)),
        ((7, 3, 8, 6), None, (8, 6, 3)),
        ((7, 144), (3, 8, 6), (8, 6, 3)),
    ],
)
def test_image_grid_shapes(shape, image_shape, shown):
    """Does every accepted layout show each image as a tile of its own, rescaled to
    [0, 1], four to a row?"""
    images = np.random.default_rng(0).normal(size=shape) * 40 + 100
    fig = show_image_grid(images, image_shape=image_shape, ncols=4)
    assert isinstance(fig, Figure)
    shown_tiles = tiles(fig)
    assert len(shown_tiles) == shape[0]
    for tile in shown_tiles:
        assert tile.shape == shown
        assert tile.min() == pytest.approx(0.0) and tile.max() == pytest.approx(1.0)


def test_image_grid_values_and_labels():
    """Are the images shown as given (rescaled) and titled with their class names?"""
    rng = np.random.default_rng(1)
    images = rng.normal(size=(5, 4, 4))
    labels = np.array([2, 0, 1, 2, 0])
    names = ["cat", "dog", "ship"]
    fig = show_image_grid(images, labels, names, ncols=3, title="samples")
    shown = tiles(fig)
    assert len(shown) == 5
    for i, tile in enumerate(shown):
        np.testing.assert_allclose(tile, normalized(images[i]))
    texts = fig.axes[0].texts
    assert [t.get_text() for t in texts] == [names[label] for label in labels]
    # each title sits just above its own tile: the first three on the first row
    x = [t.get_position()[0] for t in texts]
    y = [t.get_position()[1] for t in texts]
    assert x[0] < x[1] < x[2] and x[3] == x[0] and x[4] == x[1]
    assert y[0] == y[1] == y[2] < y[3] == y[4]
    assert fig._suptitle.get_text() == "samples"


def test_image_grid_constant_image():
    """Is a constant image drawn (mid-gray) instead of dividing by zero?"""
    fig = show_image_grid(np.full((2, 3, 3), 7.0))
    for tile in tiles(fig):
        np.testing.assert_allclose(tile, 0.5)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"images": np.zeros((4, 64))}, "image_shape"),
        ({"images": np.zeros((4, 8, 8, 5))}, r"\(4, 8, 8, 5\)"),
        ({"images": np.zeros((4, 64)), "image_shape": (8, 9)}, "72"),
        ({"images": np.zeros((4, 8, 8)), "labels": [0, 1]}, r"\(2,\)"),
        ({"images": np.zeros((2, 8, 8)), "labels": [0, 5], "class_names": ["a", "b"]}, "5"),
        ({"images": np.zeros((0, 8, 8))}, "N >= 1"),
    ],
)
def test_image_grid_bad_input(kwargs, needle):
    """Do malformed images or labels raise a ValueError that says what is wrong?"""
    with pytest.raises(ValueError, match=needle):
        show_image_grid(**kwargs)


# ----------------------------------------------------------------------------- weights


def test_weights_as_templates_drop_bias_row():
    """Does a (D + 1, C) matrix become C templates without its bias row, each pixel
    coloured by its weight on one scale centred on zero (red positive, blue negative,
    white zero), two rows of five, with a colour bar over [-max |W|, max |W|]?"""
    rng = np.random.default_rng(2)
    W = rng.normal(size=(8 * 8 + 1, 10))
    W[0, 0], W[1, 0] = 0.0, -np.abs(W[:64]).max() * 2  # a zero pixel; the largest |weight|
    names = [f"class {c}" for c in range(10)]
    fig = visualize_weights(W, (8, 8), class_names=names)
    shown = tiles(fig)
    assert len(shown) == 10
    limit = np.abs(W[:64]).max()
    diverging = matplotlib.colormaps["RdBu_r"]
    for j, tile in enumerate(shown):
        expected = diverging((W[:64, j].reshape(8, 8) + limit) / (2 * limit))[..., :3]
        np.testing.assert_allclose(tile, expected, atol=1 / 255)
    red, green, blue = shown[0][0, 0]
    assert min(red, green, blue) > 0.9  # zero is (near) white
    assert shown[0].reshape(64, 3)[1, 2] > shown[0].reshape(64, 3)[1, 0]  # negative: blue
    assert [t.get_text() for t in fig.axes[0].texts] == names
    picture = fig.axes[0].images[0].get_array()
    tile_rows = {round(t.get_position()[1]) for t in fig.axes[0].texts}
    assert len(tile_rows) == 2 and picture.shape[1] > picture.shape[0]
    bar = fig.axes[1]
    np.testing.assert_allclose(bar.get_ylim(), (-limit, limit))
    assert "weight" in bar.get_ylabel()


def test_weights_colour_and_many_columns():
    """Are at most max_panels colour panels drawn for a wide first layer?"""
    W = np.random.default_rng(3).normal(size=(4 * 5 * 3, 300))
    fig = visualize_weights(W, (4, 5, 3), max_panels=25)
    shown = tiles(fig)
    assert len(shown) == 25
    np.testing.assert_allclose(shown[24], normalized(W[:, 24].reshape(4, 5, 3)))
    assert not fig.axes[0].texts  # no numbers over more than 20 panels


@pytest.mark.parametrize(
    ("W", "image_shape", "needle"),
    [
        (np.zeros((50, 10)), (8, 8), r"D = 50.*64"),
        (np.zeros(64), (8, 8), r"\(64,\)"),
        (np.zeros((64, 3)), (8, 8, 2), "3 channels"),
    ],
)
def test_weights_bad_shapes(W, image_shape, needle):
    """Do weights that do not match the image shape raise a clear ValueError?"""
    with pytest.raises(ValueError, match=needle):
        visualize_weights(W, image_shape)


def test_weights_class_names_count():
    """Does a wrong number of class names raise a ValueError with both counts?"""
    with pytest.raises(ValueError, match=r"3 names.*C = 10"):
        visualize_weights(np.ones((64, 10)), (8, 8), class_names=["a", "b", "c"])


# ----------------------------------------------------------------------------- training


def test_history_dict():
    """Does a history dict give a loss axes (raw + smoothed) and an accuracy axes?"""
    hist = histories(0)
    fig = plot_training_history(hist, title="run")
    ax_loss, ax_acc = fig.axes
    assert len(ax_loss.lines) == 2 and len(ax_acc.lines) == 2
    np.testing.assert_allclose(ax_loss.lines[0].get_ydata(), hist["loss_history"])
    window = 50 // 20
    smoothed = np.convolve(hist["loss_history"], np.ones(window) / window, mode="valid")
    np.testing.assert_allclose(ax_loss.lines[1].get_ydata(), smoothed)
    np.testing.assert_allclose(ax_acc.lines[0].get_ydata(), hist["train_acc_history"])
    np.testing.assert_allclose(ax_acc.lines[1].get_ydata(), hist["val_acc_history"])
    assert ax_acc.get_xlabel() == "epoch" and ax_loss.get_xlabel() == "iteration"


def test_history_of_solver_object():
    """Is an object with solver attributes (solver=...) plotted like a dict?"""
    hist = histories(1)
    fig = plot_training_history(solver=SimpleNamespace(**hist), smooth=5)
    ax_loss, ax_acc = fig.axes
    np.testing.assert_allclose(ax_loss.lines[0].get_ydata(), hist["loss_history"])
    assert len(ax_loss.lines[1].get_ydata()) == 50 - 5 + 1
    np.testing.assert_allclose(ax_acc.lines[1].get_ydata(), hist["val_acc_history"])


def test_history_overlay_with_legend():
    """Does a dict of runs overlay every run with its name in the legends?"""
    runs = {"sgd": histories(2), "adam": SimpleNamespace(**histories(3))}
    fig = plot_training_history(runs)
    ax_loss, ax_acc = fig.axes
    assert len(ax_loss.lines) == 2 * len(runs) and len(ax_acc.lines) == 2 * len(runs)
    loss_legend = [t.get_text() for t in ax_loss.get_legend().get_texts()]
    acc_legend = [t.get_text() for t in ax_acc.get_legend().get_texts()]
    assert loss_legend == ["sgd", "adam"]
    best = {name: max(histories(seed)["val_acc_history"]) for name, seed in (("sgd", 2),
                                                                             ("adam", 3))}
    assert acc_legend == [f"sgd: val (best {best['sgd']:.3f})",
                          f"adam: val (best {best['adam']:.3f})",
                          "train (solid)", "val (dashed)"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "exactly one"),
        ({"history": histories(0), "solver": histories(1)}, "exactly one"),
        ({"history": {"loss_history": []}}, "empty loss_history"),
        ({"history": {"run": 3}}, "neither a Solver"),
        ({"history": {"run": {"val_acc_history": [0.1]}}}, "no 'loss_history'"),
        ({"history": histories(0), "smooth": 0}, "smooth"),
    ],
)
def test_history_bad_input(kwargs, needle):
    """Do missing or malformed histories raise a ValueError that says what is wrong?"""
    with pytest.raises(ValueError, match=needle):
        plot_training_history(**kwargs)


# ----------------------------------------------------------------------------- contours


def test_contour_paths_draws_given_points():
    """Are contours drawn and every path's line, start and end placed at its points?"""
    paths = {
        "lr=0.1": descent_path([2.0, 1.5], 0.1, 20),
        "lr=0.3": descent_path([-2.0, 1.0], 0.3, 10),
    }
    fig = plot_contour_paths(bowl, paths, (-3, 3), (-2, 2), title="bowl", resolution=40)
    (ax,) = fig.axes
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    assert len(ax.lines) == 3 * len(paths)
    for k, path in enumerate(paths.values()):
        line, start, end = ax.lines[3 * k : 3 * k + 3]
        np.testing.assert_allclose(np.column_stack(line.get_data()), path)
        np.testing.assert_allclose(np.column_stack(start.get_data()), path[:1])
        np.testing.assert_allclose(np.column_stack(end.get_data()), path[-1:])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [*paths, "start", "end"]
    assert ax.get_xlim() == (-3, 3) and ax.get_ylim() == (-2, 2)
    assert ax.get_title() == "bowl"


def test_contour_scalar_f_log_levels_on_given_axes():
    """Does a scalar f with log_levels draw geometric levels on the axes passed in?"""
    fig, ax = plt.subplots()
    out = plot_contour_paths(
        lambda p: float(p @ p),
        {"one": [[1.0, 1.0]]},
        (-2, 2),
        (-2, 2),
        levels=12,
        log_levels=True,
        ax=ax,
        resolution=101,
    )
    assert out is fig
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    levels = np.asarray(contours.levels)
    assert levels.size == 12
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0])


def pointwise(f):
    """``f`` restricted to single points, the way the fallback loop calls it."""

    def one_point(p):
        assert p.shape == (2,)
        return f(p)

    return one_point


@pytest.mark.parametrize(
    "f",
    [
        lambda p: 0.5 * (p[0] ** 2 + 10.0 * p[1] ** 2),  # accepts a (2, ny, nx) grid
        lambda p: (p[0] * p[1], np.zeros_like(p)),  # (cost, grad) on a grid
        lambda p: p[0] ** 2 if p.ndim == 1 else np.zeros(p.shape[1:]),  # wrong on a grid
        lambda p: float(np.sum(p**2)),  # a scalar for a whole grid
    ],
)
def test_contour_grid_matches_points(f):
    """Is the grid evaluated in one call equal to point-by-point evaluation, falling back
    to points when f cannot take (or gets wrong) a whole grid?"""
    xs, ys = np.linspace(-2, 1, 31), np.linspace(-1, 3, 23)
    expected = _grid_values(pointwise(f), xs, ys)
    assert expected.shape == (23, 31)
    np.testing.assert_allclose(expected[4, 7], _scalar_value(f(np.array([xs[7], ys[4]]))))
    np.testing.assert_allclose(_grid_values(f, xs, ys), expected)


@pytest.mark.parametrize(
    ("f", "paths", "xlim", "needle"),
    [
        (bowl, {"p": np.zeros((4, 3))}, (-1, 1), r"\(4, 3\)"),
        (bowl, {"p": np.zeros((0, 2))}, (-1, 1), "K >= 1"),
        (bowl, {"p": np.zeros((4, 2))}, (1, -1), "low < high"),
        (lambda p: p, {"p": np.zeros((4, 2))}, (-1, 1), r"shape \(2,\)"),
        (lambda p: np.inf, {"p": np.zeros((4, 2))}, (-1, 1), "not finite"),
    ],
)
def test_contour_bad_input(f, paths, xlim, needle):
    """Do bad paths, limits or functions raise a ValueError that says what is wrong?"""
    with pytest.raises(ValueError, match=needle):
        plot_contour_paths(f, paths, xlim, (-1, 1), resolution=10)


# ----------------------------------------------------------------------------- costs


def test_cost_curves():
    """Is each cost sequence drawn as one labeled line, with a log axis on request?"""
    costs = {"batch": np.exp(-np.arange(30) / 5), "sgd": np.exp(-np.arange(50) / 9) + 0.01}
    fig = plot_cost_curves(costs, logy=True, title="costs")
    (ax,) = fig.axes
    assert len(ax.lines) == 2
    for line, values in zip(ax.lines, costs.values(), strict=True):
        np.testing.assert_allclose(line.get_ydata(), values)
        np.testing.assert_allclose(line.get_xdata(), np.arange(len(values)))
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(costs)


@pytest.mark.parametrize(
    ("costs", "needle"),
    [({}, "empty"), ({"a": np.zeros((3, 2))}, r"\(3, 2\)"), ({"a": []}, "non-empty")],
)
def test_cost_curves_bad_input(costs, needle):
    """Do empty or 2-D cost sequences raise a ValueError naming them?"""
    with pytest.raises(ValueError, match=needle):
        plot_cost_curves(costs)


# ----------------------------------------------------------------------------- activations


def relu_pair():
    return (lambda x: np.maximum(x, 0.0)), (lambda x: (x > 0).astype(float))


def test_function_and_derivative_dict():
    """Does each activation get one line on the function axes and one on the derivative?"""
    x = np.linspace(-3, 3, 61)
    pairs = {
        "relu": relu_pair(),
        "sigmoid": (
            (lambda v: 1 / (1 + np.exp(-v))),
            (lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2),
        ),
        "tanh": (np.tanh, lambda v: 1 - np.tanh(v) ** 2),
    }
    fig = plot_function_and_derivative(pairs, x=x)
    ax_f, ax_df = fig.axes
    assert len(ax_f.lines) == 3 and len(ax_df.lines) == 3
    for k, (f, df) in enumerate(pairs.values()):
        np.testing.assert_allclose(ax_f.lines[k].get_ydata(), f(x))
        np.testing.assert_allclose(ax_df.lines[k].get_ydata(), df(x))


def test_function_and_derivative_single_layer_style():
    """Are a single (out, cache)-returning forward and its derivative accepted?"""
    f, df = relu_pair()
    fig = plot_function_and_derivative(lambda x: (f(x), None), df, names="relu")
    ax_f, _ = fig.axes
    assert [t.get_text() for t in ax_f.get_legend().get_texts()] == ["relu"]
    np.testing.assert_allclose(ax_f.lines[0].get_ydata(), f(ax_f.lines[0].get_xdata()))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (({"relu": relu_pair()}, None, None, ["elu"]), "elu"),
        ((lambda x: x[:-1], lambda x: x), "shape"),
        ((np.tanh, None), "derivative"),
    ],
)
def test_function_and_derivative_bad_input(args, needle):
    """Do unknown names, wrong output shapes or a missing derivative raise ValueError?"""
    with pytest.raises(ValueError, match=needle):
        plot_function_and_derivative(*args)


# ----------------------------------------------------------------------------- saving


FIGURES: dict[str, Callable[[], Figure]] = {
    "image_grid": lambda: show_image_grid(
        np.random.default_rng(0).random((12, 8, 8)), labels=np.arange(12) % 10
    ),
    "weights": lambda: visualize_weights(np.random.default_rng(0).random((65, 10)), (8, 8)),
    "history": lambda: plot_training_history(histories(0)),
    "contours": lambda: plot_contour_paths(
        bowl, {"gd": descent_path([2, 1], 0.1, 15)}, (-3, 3), (-2, 2), resolution=30
    ),
    "costs": lambda: plot_cost_curves({"a": [3.0, 2.0, 1.5, 1.2]}),
    "activations": lambda: plot_function_and_derivative({"relu": relu_pair()}),
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_saves_png(name: str, tmp_path: Path):
    """Can every figure be saved as a non-trivial PNG under the Agg backend?"""
    fig = FIGURES[name]()
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 1024
