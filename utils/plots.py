"""Plots used across the assignments (matplotlib).

Every function returns the :class:`~matplotlib.figure.Figure` it drew on and never calls
``plt.show()``. Figures are created with pyplot, so a notebook shows them at the end of
the cell; to avoid seeing a figure twice when the call is the cell's last line, assign it
(``fig = plot_cost_curves(...)``) or end the line with ``;``.

Functions:

* :func:`show_image_grid` -- a grid of images with optional labels.
* :func:`visualize_weights` -- the columns of a weight matrix ``W: (D, C)`` as images,
  signed (a diverging colour map centred on zero, with a colour bar).
* :func:`plot_training_history` -- loss and accuracy curves of one or more Solvers.
* :func:`plot_contour_paths` -- contours of a 2-D function with optimization paths.
* :func:`plot_cost_curves` -- several cost sequences on one axis.
* :func:`plot_function_and_derivative` -- activation functions and their derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = [
    "plot_contour_paths",
    "plot_cost_curves",
    "plot_function_and_derivative",
    "plot_training_history",
    "show_image_grid",
    "visualize_weights",
]

_HISTORY_KEYS = ("loss_history", "train_acc_history", "val_acc_history")
WEIGHT_CMAP = "RdBu_r"  # diverging: negative blue, zero white, positive red


# --------------------------------------------------------------------------- helpers


def _figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """Return a new pyplot figure of ``figsize``, or ``fig`` cleared for redrawing."""
    if fig is None:
        return plt.figure(figsize=figsize)
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    fig.clear()
    return fig


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the single axes of a new pyplot figure."""
    if ax is None:
        return plt.figure(figsize=figsize).add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _normalize01(image: np.ndarray) -> np.ndarray:
    """Rescale one image linearly to ``[0, 1]`` (a constant image becomes mid-gray)."""
    image = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(image)
    if not finite.any():
        return np.full(image.shape, 0.5)
    low, high = image[finite].min(), image[finite].max()
    if high <= low:
        out = np.full(image.shape, 0.5)
    else:
        out = (image - low) / (high - low)
    return np.where(finite, out, 0.0)


def _check_image_shape(image_shape: Any) -> tuple[int, ...]:
    """Return ``image_shape`` as a tuple ``(H, W)``, ``(H, W, 3)`` or ``(3, H, W)``."""
    try:
        shape = tuple(int(s) for s in image_shape)
    except TypeError:
        raise ValueError(
            f"image_shape must be a tuple like (H, W) or (H, W, 3), got {image_shape!r}"
        ) from None
    if len(shape) not in (2, 3) or min(shape) < 1:
        raise ValueError(
            f"image_shape must be (H, W), (H, W, 3) or (3, H, W) with positive sizes, got {shape}"
        )
    if len(shape) == 3 and 3 not in (shape[0], shape[-1]):
        raise ValueError(f"a colour image_shape needs 3 channels first or last, got {shape}")
    return shape


def _channels_last(images: np.ndarray) -> np.ndarray:
    """Turn ``(N, 3, H, W)`` into ``(N, H, W, 3)`` and ``(N, H, W, 1)`` into ``(N, H, W)``."""
    if images.ndim == 4 and images.shape[-1] == 1:
        return images[..., 0]
    if images.ndim == 4 and images.shape[1] == 3 and images.shape[-1] != 3:
        return images.transpose(0, 2, 3, 1)
    return images


def _image_stack(images: Any, image_shape: Any = None) -> np.ndarray:
    """Return images as ``(N, H, W)`` (gray) or ``(N, H, W, 3)`` (colour).

    Accepts ``(N, H, W)``, ``(N, H, W, 3)``, ``(N, 3, H, W)`` or flat ``(N, D)`` together
    with ``image_shape``.
    """
    arr = np.asarray(images)
    if arr.ndim < 2 or arr.shape[0] == 0:
        raise ValueError(
            "images must be (N, H, W), (N, H, W, 3) or flat (N, D) with image_shape=..., "
            f"and N >= 1; got shape {arr.shape}"
        )
    if image_shape is not None:
        shape = _check_image_shape(image_shape)
        per_image = int(np.prod(arr.shape[1:]))
        if per_image != math.prod(shape):
            raise ValueError(
                f"images of shape {arr.shape} hold {per_image} values per image, but "
                f"image_shape {shape} needs {math.prod(shape)}"
            )
        arr = arr.reshape((arr.shape[0], *shape))
    elif arr.ndim == 2:
        raise ValueError(
            f"images of shape {arr.shape} are flat (N, D); pass image_shape=(H, W) or "
            "(H, W, 3) to say how to reshape each row"
        )
    arr = _channels_last(arr)
    if not (arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] == 3)):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, 3), got shape {arr.shape}")
    return arr


def _draw_grid(
    fig: Figure | None,
    images: np.ndarray,
    titles: Sequence[str] | None,
    ncols: int,
    title: str | None,
    *,
    column_inches: float = 1.2,
    right_inches: float = 0.0,
) -> Figure:
    """Draw ``images (N, H, W[, 3])`` with values in ``[0, 1]`` in rows of ``ncols``, each
    below its title, as the tiles of one RGBA picture on one axes (the gaps transparent).

    One picture is ~6x quicker to make and draw than one axes per image (20 digits:
    0.06 s instead of 0.4 s), which every notebook run and every graded student pays.
    A new figure gets the picture's proportions, ``column_inches`` per column, plus
    ``right_inches`` on the right (room for a colour bar).
    """
    N, H, W = images.shape[:3]
    nrows = math.ceil(N / ncols)
    gap = max(1, math.ceil(0.12 * W))
    above = math.ceil((0.35 if titles is not None else 0.12) * H)  # room for a title
    pitch_x, pitch_y = W + gap, above + H
    canvas = np.zeros((nrows * pitch_y, ncols * pitch_x - gap, 4))
    for i in range(N):
        row, col = divmod(i, ncols)
        top, left = row * pitch_y + above, col * pitch_x
        tile = images[i]
        canvas[top:top + H, left:left + W, :3] = tile[..., None] if tile.ndim == 2 else tile
        canvas[top:top + H, left:left + W, 3] = 1.0
    room = 0.3 if title is not None else 0.0  # inches above the picture, for the title
    width = max(column_inches * ncols, 3.0)
    figure = _figure(fig, (width + right_inches,
                           width * canvas.shape[0] / canvas.shape[1] + room))
    ax = figure.add_axes((0.0, 0.0, width / (width + right_inches),
                          max(0.1, 1.0 - room / figure.get_size_inches()[1])))
    ax.imshow(canvas, interpolation="nearest")
    ax.set_axis_off()
    for i, text in enumerate(titles or []):
        row, col = divmod(i, ncols)
        ax.text(col * pitch_x + (W - 1) / 2, row * pitch_y + above - 0.9, text,
                ha="center", va="bottom", fontsize=10)
    if title is not None:
        figure.suptitle(title, fontsize=12)
    return figure


def _grid_columns(ncols: Any, N: int) -> int:
    """Validate ``ncols`` and cap it at the number of images ``N``."""
    if isinstance(ncols, bool) or not isinstance(ncols, int | np.integer) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    return min(int(ncols), N)


# --------------------------------------------------------------------------- images


def show_image_grid(
    images: Any,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    ncols: int = 10,
    title: str | None = None,
    *,
    image_shape: Sequence[int] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Show images in a grid, each rescaled to its own ``[min, max]`` range.

    Args:
        images: ``(N, H, W)``, ``(N, H, W, 3)``, ``(N, 3, H, W)``, or flat ``(N, D)`` with
            ``image_shape``.
        labels: optional ``(N,)`` labels shown above the images.
        class_names: optional names indexed by label (``class_names[labels[i]]``).
        ncols: images per row.
        title: optional title of the whole figure.
        image_shape: ``(H, W)``, ``(H, W, 3)`` or ``(3, H, W)``; required for flat images.
        fig: draw on this figure (it is cleared) instead of a new one.

    Returns:
        The figure. Its one axes shows the images as the tiles of one RGBA picture
        (``ax.images[0]``), row by row, with the titles as the axes' texts.

    Raises:
        ValueError: on shapes that are not images, or labels that do not match.
    """
    stack = _image_stack(images, image_shape)
    N = stack.shape[0]
    titles = None
    if labels is not None:
        labels_arr = np.asarray(labels)
        if labels_arr.shape != (N,):
            raise ValueError(
                f"labels must be (N,) = ({N},) to match images of shape {np.shape(images)}, "
                f"got shape {labels_arr.shape}"
            )
        if class_names is None:
            titles = [str(label) for label in labels_arr.tolist()]
        else:
            titles = []
            for label in labels_arr.tolist():
                if not (isinstance(label, int) and 0 <= label < len(class_names)):
                    raise ValueError(
                        f"label {label!r} has no entry in class_names ({len(class_names)} names)"
                    )
                titles.append(str(class_names[label]))
    elif class_names is not None:
        raise ValueError("class_names needs labels: pass labels=y so each image gets a name")
    scaled = np.stack([_normalize01(image) for image in stack])
    return _draw_grid(fig, scaled, titles, _grid_columns(ncols, N), title)


def visualize_weights(
    W: Any,
    image_shape: Sequence[int],
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    *,
    max_panels: int = 100,
    ncols: int | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Show each column of a weight matrix as an image (class templates, first-layer units).

    Gray images (``image_shape`` ``(H, W)``) are drawn in a diverging colour map centred on
    zero, one scale for all panels (``[-m, m]``, ``m`` the largest ``|weight|`` shown) with
    a colour bar: red pixels push the score up, blue ones down. Colour images cannot carry
    a sign that way; each is rescaled to its own range, as :func:`show_image_grid` does.

    Args:
        W: ``(D, C)`` weights with ``D = prod(image_shape)``, or ``D = prod(image_shape) + 1``
            when the last row is the bias (it is dropped).
        image_shape: shape of one input image, ``(H, W)``, ``(H, W, 3)`` or ``(3, H, W)``.
        class_names: optional ``C`` names used as panel titles.
        title: optional title of the whole figure.
        max_panels: show at most the first ``max_panels`` columns (for wide hidden layers).
        ncols: panels per row; default 5 for up to 10 panels (large enough to read), else 10.
        fig: draw on this figure (it is cleared) instead of a new one.

    Returns:
        The figure: ``min(C, max_panels)`` templates as the tiles of one picture on its
        first axes (see :func:`show_image_grid`), and for gray images a colour bar axes.

    Raises:
        ValueError: when ``W`` is not 2-D or its rows do not match ``image_shape``.
    """
    W_arr = np.asarray(W, dtype=np.float64)
    shape = _check_image_shape(image_shape)
    if W_arr.ndim != 2 or W_arr.shape[1] == 0:
        raise ValueError(f"W must be a (D, C) matrix with C >= 1, got shape {W_arr.shape}")
    D, C = W_arr.shape
    pixels = math.prod(shape)
    if D == pixels + 1:
        W_arr = W_arr[:-1]
    elif D != pixels:
        raise ValueError(
            f"W has D = {D} rows, but image_shape {shape} needs D = {pixels} "
            f"(or {pixels + 1} with a trailing bias row)"
        )
    if isinstance(max_panels, bool) or not isinstance(max_panels, int) or max_panels < 1:
        raise ValueError(f"max_panels must be a positive integer, got {max_panels!r}")
    if class_names is not None and len(class_names) != C:
        raise ValueError(f"class_names has {len(class_names)} names but W has C = {C} columns")
    k = min(C, max_panels)
    templates = _image_stack(W_arr[:, :k].T, shape)
    if class_names is not None:
        titles: list[str] | None = [str(name) for name in class_names[:k]]
    elif k <= 20:
        titles = [str(j) for j in range(k)]
    else:
        titles = None
    columns = _grid_columns(ncols if ncols is not None else (5 if k <= 10 else 10), k)
    if templates.ndim == 4:  # colour: no sign to show
        scaled = np.stack([_normalize01(t) for t in templates])
        return _draw_grid(fig, scaled, titles, columns, title)
    norm, cmap = _weight_scale(templates)
    figure = _draw_grid(fig, cmap(norm(templates))[..., :3], titles, columns, title,
                        column_inches=1.5 if columns <= 5 else 1.2, right_inches=1.3)
    inches = figure.get_size_inches()[0]
    bar = figure.add_axes(((inches - 1.15) / inches, 0.08, 0.15 / inches, 0.75))
    figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=bar,
                    label="weight (red > 0, blue < 0)")
    return figure


def _weight_scale(values: np.ndarray) -> tuple[Normalize, Colormap]:
    """A scale symmetric about zero over the finite ``values``, and the diverging map."""
    finite = values[np.isfinite(values)]
    limit = float(np.abs(finite).max()) if finite.size else 0.0
    limit = limit if limit > 0 else 1.0
    return Normalize(vmin=-limit, vmax=limit, clip=True), colormaps[WEIGHT_CMAP]


# --------------------------------------------------------------------------- training


def _history_of(run: Any, name: str) -> dict[str, np.ndarray]:
    """Extract the three histories from a Solver-like object or a dict."""
    if isinstance(run, Mapping):
        if "loss_history" not in run:
            raise ValueError(
                f"history {name!r} has no 'loss_history'; expected a dict with keys "
                f"{list(_HISTORY_KEYS)} (accuracies optional), got keys {sorted(map(str, run))}"
            )

        def get(key: str) -> Any:
            return run.get(key, [])
    elif hasattr(run, "loss_history"):

        def get(key: str) -> Any:
            return getattr(run, key, [])
    else:
        raise ValueError(
            f"{name!r} is neither a Solver nor a dict with 'loss_history', got {type(run).__name__}"
        )
    out = {key: np.asarray(get(key), dtype=np.float64).ravel() for key in _HISTORY_KEYS}
    if out["loss_history"].size == 0:
        raise ValueError(f"{name!r} has an empty loss_history; run solver.train() first")
    return out


def _collect_runs(source: Any) -> dict[str | None, dict[str, np.ndarray]]:
    """Map run names (``None`` for a single run) to their histories."""
    if isinstance(source, Mapping) and "loss_history" not in source:
        if not source:
            raise ValueError("no histories to plot: the dict is empty")
        return {str(name): _history_of(run, str(name)) for name, run in source.items()}
    return {None: _history_of(source, "history")}


def _moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over ``window`` values: ``(n - window + 1,)``."""
    kernel = np.full(window, 1.0 / window)
    return np.convolve(values, kernel, mode="valid")


def plot_training_history(
    history: Any = None,
    *,
    solver: Any = None,
    title: str | None = None,
    smooth: int | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Plot the loss per iteration and the train/val accuracy per epoch.

    Args:
        history: a dict with ``loss_history`` (and optionally ``train_acc_history``,
            ``val_acc_history``), or a Solver, or a dict ``{name: solver or history}``
            whose runs are overlaid with a legend.
        solver: same as ``history`` (use one of the two).
        title: optional title of the whole figure.
        smooth: window of the moving average drawn over the loss; default about 1/20 of
            the iterations.
        fig: draw on this figure (it is cleared) instead of a new one.

    Returns:
        The figure with two axes: loss (raw and smoothed line per run) and accuracy
        (train and val line per run; the legend gives each run's best validation
        accuracy, which is hard to read off curves that all end near 1).

    Raises:
        ValueError: when both or neither of ``history`` and ``solver`` are given, or a run
            has no loss history.
    """
    if (history is None) == (solver is None):
        raise ValueError("pass exactly one of history=... or solver=...")
    runs = _collect_runs(history if history is not None else solver)
    if smooth is not None and (
        isinstance(smooth, bool) or not isinstance(smooth, int) or smooth < 1
    ):
        raise ValueError(f"smooth must be a positive integer or None, got {smooth!r}")

    figure = _figure(fig, (12.0, 4.5))
    ax_loss, ax_acc = figure.subplots(1, 2)
    single = len(runs) == 1 and None in runs
    for i, (name, hist) in enumerate(runs.items()):
        color = f"C{i}"
        loss = hist["loss_history"]
        n = loss.size
        window = smooth if smooth is not None else max(1, min(n // 20, 200))
        window = min(window, n)
        raw_label = "loss per iteration" if single else f"_{name} raw"
        ax_loss.plot(np.arange(n), loss, color=color, alpha=0.3, linewidth=0.8, label=raw_label)
        smooth_label = f"moving average ({window} it.)" if single else str(name)
        ax_loss.plot(
            np.arange(window - 1, n),
            _moving_average(loss, window),
            color=color,
            linewidth=2.0,
            label=smooth_label,
        )

        train_acc, val_acc = hist["train_acc_history"], hist["val_acc_history"]
        best = f" (best {np.nanmax(val_acc):.3f})" if np.isfinite(val_acc).any() else ""
        ax_acc.plot(np.arange(train_acc.size), train_acc, "o-", color=color,
                    label="train" if single else f"_{name} train")
        ax_acc.plot(np.arange(val_acc.size), val_acc, "s--", color="C1" if single else color,
                    label=f"val{best}" if single else f"{name}: val{best}")

    ax_loss.set(xlabel="iteration", ylabel="loss", title="Training loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    ax_acc.xaxis.get_major_locator().set_params(integer=True)
    ax_loss.legend()
    if single:
        ax_acc.legend()
    else:  # one entry per run (its colour), and a key for the line styles
        styles = [Line2D([], [], color="gray", marker="o", label="train (solid)"),
                  Line2D([], [], color="gray", marker="s", linestyle="--",
                         label="val (dashed)")]
        runs_handles = [line for line in ax_acc.lines if not line.get_label().startswith("_")]
        ax_acc.legend(handles=runs_handles + styles, fontsize=8)
    if title is not None:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


# --------------------------------------------------------------------------- optimization


def _scalar_value(value: Any) -> float:
    """Return ``value`` (or ``value[0]`` for a ``(cost, grad)`` tuple) as a float."""
    if isinstance(value, tuple | list):
        value = value[0]
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(
            f"f must return a scalar cost or a (cost, grad) tuple, got a value of shape {arr.shape}"
        )
    return float(arr.reshape(()))


def _check_limits(name: str, limits: Any) -> tuple[float, float]:
    """Return ``(low, high)`` with ``low < high`` or raise ValueError."""
    try:
        low, high = (float(v) for v in limits)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {limits!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must satisfy low < high (both finite), got {limits!r}")
    return low, high


def _as_path(name: str, points: Any) -> np.ndarray:
    """Return one path of iterates as a ``(K, 2)`` float array."""
    path = np.asarray(points, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
        raise ValueError(f"path {name!r} must be (K, 2) points with K >= 1, got shape {path.shape}")
    return path


def _contour_levels(Z: np.ndarray, levels: Any, log_levels: bool) -> Any:
    """Return the contour levels: ``levels`` as given, or ``levels`` log-spaced values."""
    if not isinstance(levels, int | np.integer) or isinstance(levels, bool):
        return np.asarray(levels, dtype=np.float64)
    if levels < 2:
        raise ValueError(f"levels must be at least 2, got {levels}")
    low, high = float(np.nanmin(Z)), float(np.nanmax(Z))
    if high <= low:
        return int(levels)
    if not log_levels:
        return np.linspace(low, high, int(levels))
    span = high - low
    return low + np.geomspace(span * 1e-3, span, int(levels))


def _grid_values(f: Callable[[np.ndarray], Any], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """``Z[i, j] = f((xs[j], ys[i]))``: one call on the whole ``(2, ny, nx)`` grid when
    ``f`` accepts it and agrees with point-wise calls at a few places, else point by point
    (a Python loop: a 200x200 contour plot took 0.48 s that way, 0.035 s with one call)."""
    grid = np.stack(np.meshgrid(xs, ys))
    spots = [(0, 0), (-1, -1), (len(ys) // 3, len(xs) // 2), (len(ys) // 2, len(xs) // 5)]
    with np.errstate(all="ignore"):
        try:
            value = f(grid.copy())
            Z = np.array(value[0] if isinstance(value, tuple | list) else value,
                         dtype=np.float64)
            if Z.shape == grid.shape[1:] and all(
                    np.allclose(Z[i, j], _scalar_value(f(grid[:, i, j].copy())),
                                rtol=1e-9, atol=1e-12, equal_nan=True) for i, j in spots):
                return Z
        except Exception:  # noqa: BLE001 - any f that cannot take a grid is evaluated per point
            pass
        Z = np.empty(grid.shape[1:])
        for i, y_val in enumerate(ys):
            for j, x_val in enumerate(xs):
                Z[i, j] = _scalar_value(f(np.array([x_val, y_val])))
    return Z


def plot_contour_paths(
    f: Callable[[np.ndarray], Any],
    paths: Mapping[str, Any],
    xlim: Sequence[float],
    ylim: Sequence[float],
    levels: int | Sequence[float] = 30,
    log_levels: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
    *,
    resolution: int = 150,
) -> Figure:
    """Draw the contours of a 2-D function and the paths of iterates on top.

    Args:
        f: maps a point ``(2,)`` to a scalar cost, or to ``(cost, grad)`` (the cost is
            used).
        paths: ``{name: (K, 2) iterates}``, e.g. ``{"lr=0.1": path}`` from gradient
            descent; each path is drawn with a marker at its start (circle) and end (star).
        xlim, ylim: ``(low, high)`` ranges of the plot.
        levels: number of contour levels, or the levels themselves.
        log_levels: space the levels geometrically above the minimum (for valleys such
            as Rosenbrock's).
        title: optional axes title.
        ax: draw on this axes instead of a new figure.
        resolution: grid points per axis at which ``f`` is evaluated.

    Returns:
        The figure; its axes holds the contour set and three lines per path (path,
        start, end).

    Raises:
        ValueError: on bad limits, paths that are not ``(K, 2)``, or ``f`` not returning
            a scalar.
    """
    x_range = _check_limits("xlim", xlim)
    y_range = _check_limits("ylim", ylim)
    if isinstance(paths, Mapping):
        checked = {str(name): _as_path(str(name), pts) for name, pts in paths.items()}
    else:
        checked = {"path": _as_path("path", paths)}
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")

    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    Z = _grid_values(f, xs, ys)
    Z[~np.isfinite(Z)] = np.nan
    if np.isnan(Z).all():
        raise ValueError("f is not finite anywhere on the grid given by xlim and ylim")

    axes = _axes(ax, (7.0, 5.5))
    axes.contour(
        xs, ys, Z, levels=_contour_levels(Z, levels, log_levels), cmap="viridis", linewidths=0.8
    )
    handles = []
    for i, (name, path) in enumerate(checked.items()):
        color = f"C{i}"
        (line,) = axes.plot(
            path[:, 0],
            path[:, 1],
            "-",
            marker=".",
            markersize=4,
            color=color,
            linewidth=1.2,
            label=name,
        )
        axes.plot(
            path[:1, 0],
            path[:1, 1],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=color,
            label=f"_{name} start",
        )
        axes.plot(
            path[-1:, 0],
            path[-1:, 1],
            linestyle="none",
            marker="*",
            markersize=14,
            color=color,
            markeredgecolor="black",
            label=f"_{name} end",
        )
        handles.append(line)
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="gray",
            label="start",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="*",
            markersize=14,
            color="gray",
            markeredgecolor="black",
            label="end",
        )
    )
    axes.legend(handles=handles, loc="best", fontsize=8)
    axes.set_xlim(*x_range)
    axes.set_ylim(*y_range)
    axes.set(xlabel="x[0]", ylabel="x[1]")
    if title is not None:
        axes.set_title(title)
    return axes.figure


def plot_cost_curves(
    costs: Mapping[str, Any],
    xlabel: str = "iteration",
    ylabel: str = "cost",
    logy: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Plot several cost sequences against their index on one axes.

    Args:
        costs: ``{name: (K,) costs}``; sequences may have different lengths. A single
            1-D sequence is also accepted (drawn unlabeled as ``ylabel``).
        xlabel, ylabel: axis labels.
        logy: use a logarithmic y axis (non-positive values are not shown).
        title: optional axes title.
        ax: draw on this axes instead of a new figure.

    Returns:
        The figure; its axes holds one line per entry of ``costs``.

    Raises:
        ValueError: when ``costs`` is empty or an entry is not a non-empty 1-D sequence.
    """
    named = dict(costs) if isinstance(costs, Mapping) else {ylabel: costs}
    if not named:
        raise ValueError("costs is empty: pass {name: sequence of costs}")
    curves = {}
    for name, values in named.items():
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"costs[{name!r}] must be a non-empty 1-D sequence, got shape {arr.shape}"
            )
        curves[str(name)] = arr
    axes = _axes(ax, (7.0, 4.5))
    for name, arr in curves.items():
        axes.plot(np.arange(arr.size), arr, label=name)
    if logy:
        axes.set_yscale("log")
    axes.set(xlabel=xlabel, ylabel=ylabel)
    if len(curves) > 1 or isinstance(costs, Mapping):
        axes.legend()
    if title is not None:
        axes.set_title(title)
    return axes.figure


# --------------------------------------------------------------------------- activations


def _evaluate(fn: Callable[[np.ndarray], Any], x: np.ndarray, what: str) -> np.ndarray:
    """Call ``fn(x)`` (taking ``[0]`` of a tuple result) and check the output shape."""
    with np.errstate(all="ignore"):
        out = fn(x)
    if isinstance(out, tuple):
        out = out[0]
    arr = np.asarray(out, dtype=np.float64)
    if arr.shape != x.shape:
        raise ValueError(f"{what} must return an array of x's shape {x.shape}, got {arr.shape}")
    return arr


def plot_function_and_derivative(
    f: Callable[[np.ndarray], Any] | Mapping[str, tuple[Callable, Callable]],
    df: Callable[[np.ndarray], Any] | None = None,
    x: Any = None,
    names: str | Sequence[str] | None = None,
    *,
    title: str | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Plot functions (left) and their derivatives (right), e.g. activations.

    Args:
        f: a function ``f(x) -> y`` (elementwise), or a dict ``{name: (f, df)}``.
            A function returning ``(out, cache)`` (a layer's forward pass) is accepted:
            ``out`` is used.
        df: the derivative ``df(x) -> dy/dx`` when ``f`` is a single function.
        x: ``(K,)`` points to evaluate at; default 401 points in ``[-4, 4]``.
        names: the label of a single function, or which names of the dict to plot (in
            that order).
        title: optional title of the whole figure.
        fig: draw on this figure (it is cleared) instead of a new one.

    Returns:
        The figure with two axes, one line per function on each.

    Raises:
        ValueError: on a missing derivative, unknown names, or outputs of the wrong shape.
    """
    if isinstance(f, Mapping):
        if df is not None:
            raise ValueError("pass either a dict {name: (f, df)} or f and df, not both")
        wanted = list(f) if names is None else [names] if isinstance(names, str) else list(names)
        unknown = [name for name in wanted if name not in f]
        if unknown:
            raise ValueError(f"names {unknown} are not in the dict (it has {list(f)})")
        pairs = {str(name): f[name] for name in wanted}
    else:
        if not callable(f) or not callable(df):
            raise ValueError("pass f and its derivative df as functions, or a dict {name: (f, df)}")
        pairs = {str(names) if names is not None else "f": (f, df)}
    if not pairs:
        raise ValueError("no functions to plot")
    xs = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    if xs.ndim != 1 or xs.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 points, got shape {xs.shape}")

    figure = _figure(fig, (11.0, 4.0))
    ax_f, ax_df = figure.subplots(1, 2)
    for name, pair in pairs.items():
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise ValueError(f"entry {name!r} must be a pair (f, df)")
        fn, dfn = pair
        ax_f.plot(xs, _evaluate(fn, xs, f"{name} function"), label=name)
        ax_df.plot(xs, _evaluate(dfn, xs, f"{name} derivative"), label=name)
    for axes, label in ((ax_f, "f(x)"), (ax_df, "f'(x)")):
        axes.grid(alpha=0.3)
        axes.set(xlabel="x", ylabel=label)
        axes.legend()
    ax_f.set_title("function")
    ax_df.set_title("derivative")
    if title is not None:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
