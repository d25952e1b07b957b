# %% [markdown]
# A linear layer connects every input to every output. For an image that is wasteful: a
# feature such as an edge or a stroke is *local* (a few neighbouring pixels) and means the same
# thing wherever it appears. A **convolutional layer** builds both facts in. It slides a few
# small filters over the image, each filter spanning a little patch in space (and every input
# channel), and applies the *same* weights at every position: far fewer parameters, and a
# feature map that moves with the image (shift the input, the output shifts too). A **pooling
# layer** then summarises each small window by its maximum or its mean, shrinking the image and
# making the features tolerant to small shifts.
#
# You implement eight functions, as forward/backward pairs in the usual pattern:
#
# ```python
# out, cache = name_forward(x, ...)   # compute the output; keep in `cache` what the backward needs
# grads = name_backward(dout, cache)  # dx, or (dx, dw, db) for the convolution
# ```
#
# **Images are NCHW.** `x` has shape `(N, C, H, W)`: a batch of `N` images with `C` channels
# (1 for grey levels, 3 for RGB, or the number of filters of the previous layer) of height `H`
# and width `W`. Row index first, then column, as in NumPy.
#
# **Rules of the house.** Explicit Python loops are fine in this notebook: the grader uses small
# inputs, and clear loops are easier to get right than clever indexing. The exception is the fast
# convolution of sections 7 and 8, whose point is to avoid loops over images, filters and
# positions. Never change an input in place, and return float64 arrays for float64 inputs.
#
# **Checks.** After each function, a locked cell checks it on fixed inputs and prints `PASS`,
# `FAIL` with the reason, or `NOT IMPLEMENTED YET`. Backward functions are also compared with
# central differences of your forward. A PASS is a good sign, not your grade: the grader uses
# other shapes, strides and paddings.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import check_backward, check_forward, check_gradients, check_outputs, skip_if_not_implemented

# Small inputs with integer entries for the convolution's checks: every expected value below is
# an integer that you can recompute by hand.
X_CONV = np.array([[[[1, 0, 2, -1, 3], [0, 1, -2, 2, 1], [2, -1, 0, 1, -1], [1, 3, 1, 0, 2]],
                    [[0, 2, 1, 1, -2], [1, -1, 0, 3, 0], [-2, 1, 2, 0, 1], [0, 0, -1, 2, 1]]]], dtype=float)
W_CONV = np.array([[[[1, 0], [2, -1], [0, 1]], [[0, 1], [-1, 0], [1, 1]]],
                   [[[-1, 2], [0, 0], [1, 0]], [[2, 0], [0, -1], [0, 1]]]], dtype=float)
B_CONV = np.array([1.0, -2.0])

CONV_INPUTS = (X_CONV, W_CONV, B_CONV)
CONV_SHAPE = "H' = 1 + (H + 2 pad - HH) // stride, and W' likewise"
FLIPPED_KERNEL = {"your kernel is flipped: that is a true convolution; compute the cross-correlation":
                  (X_CONV, W_CONV[:, :, ::-1, ::-1].copy(), B_CONV)}


# %% [markdown]
# ## 1. Convolution, forward
#
# A layer has `F` filters. Filter `f` has weights `w[f]` of shape `(C, HH, WW)`: all `C` input
# channels, but only an `HH` x `WW` patch in space, plus a bias `b[f]`. At each position it takes
# the dot product of its weights with the patch of input under it, adds the bias, and writes
# the result into output channel `f`:
#
# $$\mathrm{out}[n, f, i, j] = b_f + \sum_{c=0}^{C-1} \sum_{k=0}^{HH-1} \sum_{l=0}^{WW-1}
#   \tilde x[n, c,\; i s + k,\; j s + l]\; w[f, c, k, l],$$
#
# where $s$ is the **stride** (the step between two windows) and $\tilde x$ is the input with
# **padding**: `pad` rows or columns of zeros added on each of the four sides. Padding lets the
# filter be centred on border pixels; with stride 1, an odd kernel size and
# `pad = (HH - 1) // 2`, the output keeps the input's size ("same" padding).
#
# **Cross-correlation, not convolution.** In mathematics and signal processing a convolution
# flips the kernel, $(x \ast w)[i] = \sum_k x[i - k]\, w[k]$. Deep-learning libraries (PyTorch's
# and TensorFlow's `conv2d`) do not flip it: they compute the *cross-correlation* above and call
# it a convolution anyway. Since the weights are learned, nothing is lost (a network would simply
# learn the flipped kernel), but your numbers must follow the library convention: `w[f, c, 0, 0]`
# multiplies the top-left entry of the window.
#
# **Output size.** The padded input has $H + 2p$ rows; windows start at rows $0, s, 2s, \dots$ as
# long as the whole window fits:
#
# $$H' = 1 + \left\lfloor \frac{H + 2p - HH}{s} \right\rfloor, \qquad
#   W' = 1 + \left\lfloor \frac{W + 2p - WW}{s} \right\rfloor.$$
#
# The floor matters when the stride does not divide $H + 2p - HH$: the last rows that do not
# fill a whole step are simply never read (as in PyTorch). Example: $H = 4$, $HH = 3$, $p = 1$,
# $s = 2$: the padded input has rows 0 to 5, windows cover rows 0-2 and 2-4, row 5 is ignored, and
# $H' = 1 + \lfloor 3/2 \rfloor = 2$.
#
# **Shapes.** `x` `(N, C, H, W)`, `w` `(F, C, HH, WW)`, `b` `(F,)` $\to$ `out` `(N, F, H', W')`;
# `cache = (x, w, b, stride, pad)`. Kernels need not be square, nor images.
#
# **Hint.** Pad once, only the two spatial axes:
# `np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))`. Then loop over `n`, `f`, `i`, `j`: the
# window `x_pad[n, :, i*stride : i*stride + HH, j*stride : j*stride + WW]` has the shape of
# `w[f]`, and `np.sum(window * w[f]) + b[f]` is one output entry. (Frameworks instead copy every
# window into a column of one big matrix, "im2col", and do a single matrix product: same numbers,
# much faster. You write that version in section 7.)
#
# **Pitfalls.** `np.pad(x, pad)` pads all four axes, the batch and the channels too. Flipping the
# kernel computes a true convolution: wrong here. Forgetting the stride in the window's start
# (`i` instead of `i * stride`). Rounding the output size up instead of down.
#
# The check uses the small integer inputs `X_CONV`, `W_CONV`, `B_CONV` defined at the top, so
# you can verify an entry by hand: with stride 1 and no padding, `out[0, 0, 0, 0]` is
# `B_CONV[0]` plus the sum of `X_CONV[0, :, 0:3, 0:2] * W_CONV[0]`, which is $1 + (-1) + 0 = 0$.

# %% solution="reference.conv:conv2d_forward_naive"

# %% check=true
check_forward(conv2d_forward_naive, CONV_INPUTS, stride=1, pad=0, shape_hint=CONV_SHAPE, mistakes=FLIPPED_KERNEL,
              expected=np.array([[[[0.0, 10.0, 1.0, -2.0], [10.0, -1.0, 0.0, 11.0]],
                                  [[1.0, 7.0, -7.0, 9.0], [2.0, -9.0, 7.0, 4.0]]]]))
check_forward(conv2d_forward_naive, CONV_INPUTS, stride=2, pad=1, shape_hint=CONV_SHAPE, mistakes=FLIPPED_KERNEL,
              expected=np.array([[[[1.0, -6.0, -1.0], [1.0, -1.0, 11.0]],
                                  [[-1.0, -2.0, 2.0], [0.0, -9.0, 4.0]]]]))

# %% [markdown]
# ## 2. Convolution, backward
#
# Each output entry is $b_f + \langle \text{window},\, w_f \rangle$, a dot product between one
# window of the padded input and one filter. So each output entry sends gradient three ways: to
# the bias, to the filter (in proportion to the window) and to the window (in proportion to the
# filter). Summing over every output entry:
#
# $$\frac{\partial L}{\partial b_f} = \sum_{n, i, j} \mathrm{dout}[n, f, i, j], \qquad
#   \frac{\partial L}{\partial w[f, c, k, l]} = \sum_{n, i, j} \mathrm{dout}[n, f, i, j]\;
#   \tilde x[n, c,\; i s + k,\; j s + l],$$
#
# $$\frac{\partial L}{\partial \tilde x[n, c, r, q]} = \sum_{f} \sum_{\substack{i, k:\\ i s + k = r}}
#   \sum_{\substack{j, l:\\ j s + l = q}} \mathrm{dout}[n, f, i, j]\; w[f, c, k, l],$$
#
# and `dx` is $\partial L / \partial \tilde x$ with the padding border cut off (the zeros of the
# padding are not inputs).
#
# **The backward is a convolution too.** `dw` is the cross-correlation of the padded input with
# `dout` (the entries of `dout` spread `stride` apart). `dx` is a "full" cross-correlation of
# `dout` with the *flipped* kernel (a true convolution, this time): each `dout` entry stamps a
# copy of the filter, scaled by it, onto the window it came from. That operation is the *transposed convolution*, the layer that
# decoders and GAN generators use to upsample. You do not need this view to write the loops, but
# it is why frameworks compute gradients of convolutions with convolutions.
#
# **Shapes.** `dout` `(N, F, H', W')` $\to$ `dx` `(N, C, H, W)`, `dw` `(F, C, HH, WW)`, `db`
# `(F,)`: each gradient has the shape of what it is the gradient of.
#
# **Hint.** The same four loops and window slices as the forward, with a zero array `dx_pad` of
# the padded input's shape. For each `(n, f, i, j)`, the scalar `dout[n, f, i, j]` times the
# filter `w[f]` is added onto that window of `dx_pad`, and the same scalar times that window of
# `x_pad` is added onto `dw[f]`. Windows overlap whenever the stride is smaller than the kernel,
# so contributions must add up (`+=`). `db` needs no loop at all.
#
# **Pitfalls.** Forgetting to cut the padding off: `dx = dx_pad[:, :, pad:pad + H, pad:pad + W]`.
# The shorter `dx_pad[:, :, pad:-pad, pad:-pad]` is *empty* when `pad = 0`. Overwriting (`=`)
# instead of accumulating. Ignoring the stride in the backward. A `db` of shape `(N, F)` or
# `(F, H', W')`: one bias is shared by every position of every image, so its gradient is a sum
# over all of them.
#
# The checks compare your gradients with central differences of *your* forward, on non-square
# inputs, without and with stride and padding: pass the forward's check first.

# %% solution="reference.conv:conv2d_backward_naive"

# %% check=true
check_gradients(conv2d_forward_naive, conv2d_backward_naive, X_CONV + 0.1, W_CONV - 0.2, B_CONV, stride=1, pad=0)
check_gradients(conv2d_forward_naive, conv2d_backward_naive, X_CONV + 0.1, W_CONV - 0.2, B_CONV, stride=2, pad=1)
check_gradients(conv2d_forward_naive, conv2d_backward_naive,
                np.random.default_rng(6).standard_normal((2, 3, 5, 6)),
                np.random.default_rng(7).standard_normal((2, 3, 3, 3)), np.array([0.5, -0.5]), stride=2, pad=2)

# %% [markdown]
# ## 3. Max pooling, forward
#
# Pooling has no weights. Each channel of each image is cut into `pool_height` x `pool_width`
# windows whose top-left corners are `stride` apart, and each window is replaced by its largest
# entry:
#
# $$\mathrm{out}[n, c, i, j] = \max_{0 \le k < p_h,\; 0 \le l < p_w} x[n, c,\; i s + k,\; j s + l],
#   \qquad H' = 1 + \left\lfloor \frac{H - p_h}{s} \right\rfloor, \quad
#   W' = 1 + \left\lfloor \frac{W - p_w}{s} \right\rfloor,$$
#
# the same output-size formula as the convolution, without padding. The default, 2 x 2 windows
# with stride 2, halves the height and the width; a stride smaller than the window makes windows
# **overlap** (AlexNet used 3 x 3 windows with stride 2). Channels never mix: pooling works on
# each `(n, c)` image separately, so `out` has `C` channels like `x`.
#
# **What to cache.** The backward needs to know *which* entry of each window was the maximum.
# Store its position: `argmax` of shape `(N, C, H', W')`, the index of the maximum inside the
# window flattened row by row, `k * pool_width + l`. `np.argmax` over a flattened window returns
# exactly that and, on ties, the *first* maximum: that is the convention (PyTorch's too).
#
# **Hint.** Two loops over `i` and `j` are enough if you handle all `n` and `c` at once:
# `window = x[:, :, i*s : i*s + ph, j*s : j*s + pw].reshape(N, C, ph * pw)`, then `.max(axis=-1)`
# and `.argmax(axis=-1)`.
#
# **Pitfalls.** Taking the maximum over the channels too (`axis=(1, 2, 3)`). Starting a running
# maximum at 0: a window of negative numbers then reports 0. Start from the first entry, or
# `-np.inf`, or use `np.max`.

# %% solution="reference.pooling:maxpool2d_forward"

# %% check="maxpool2d_forward"
check_outputs("maxpool2d_forward", maxpool2d_forward)

# %% [markdown]
# ## 4. Max pooling, backward
#
# Inside one window, the output *is* one of the inputs, the maximum; the others do not affect
# it. So $\partial\, \mathrm{out} / \partial x$ is 1 for the maximum and 0 for the rest, and the
# backward **routes** each window's gradient to its maximum:
#
# $$\frac{\partial L}{\partial x[n, c, r, q]} = \sum_{\substack{(i, j):\ (r, q) \text{ is the}\\
#   \text{argmax of window } (i, j)}} \mathrm{dout}[n, c, i, j].$$
#
# Entries that are the maximum of no window get 0; so do the rows and columns that no window
# covers.
#
# **Ties.** Where two entries of a window are equal maxima, the max has no derivative; we pick
# one valid choice (a subgradient): all of `dout` goes to the first maximum, the one `argmax`
# recorded. A mask such as `window == window.max()` sends it to *every* tied entry, so the total
# gradient flowing back is counted twice. Ties are common in practice: after a ReLU, a window
# full of zeros is all ties. The check has some on purpose.
#
# **Overlapping windows.** With stride smaller than the window, one entry can be the maximum of
# several windows; it receives the *sum* of their gradients (`+=`, not `=`).
#
# **Hint.** Loop over `i` and `j` again; convert the flat index back to `(k, l)` with
# `divmod(argmax, pool_width)` (or `np.unravel_index`), or build a one-hot mask of the window's
# shape and add `dout[:, :, i, j]` times the mask.
#
# **Pitfalls.** Sending the gradient to every element of the window (that is average pooling
# without its division). Overwriting where windows overlap. The gradient check uses inputs
# without ties, where central differences are meaningful.

# %% solution="reference.pooling:maxpool2d_backward"

# %% check="maxpool2d_backward"
check_backward("maxpool2d_backward", maxpool2d_forward, maxpool2d_backward)
check_gradients(maxpool2d_forward, maxpool2d_backward)
check_gradients(maxpool2d_forward, maxpool2d_backward, np.random.default_rng(4).standard_normal((2, 2, 4, 5)))

# %% [markdown]
# ## 5. Average pooling, forward
#
# The same windows, summarised by their mean:
#
# $$\mathrm{out}[n, c, i, j] = \frac{1}{p_h\, p_w} \sum_{k=0}^{p_h - 1} \sum_{l=0}^{p_w - 1}
#   x[n, c,\; i s + k,\; j s + l],$$
#
# with the same $H'$ and $W'$ as max pooling. Average pooling is smoother than max pooling;
# modern networks often end with a *global* average pool (one window the size of the whole
# feature map) before the classifier.
#
# **Shapes.** `out` `(N, C, H', W')`; `cache = (x, pool_height, pool_width, stride)`: the
# backward only needs the sizes.
#
# **Pitfall.** Dividing by the wrong count, or not at all: the mean of a `ph` x `pw` window
# divides by `ph * pw`.

# %% solution="reference.pooling:avgpool2d_forward"

# %% check="avgpool2d_forward"
check_outputs("avgpool2d_forward", avgpool2d_forward)

# %% [markdown]
# ## 6. Average pooling, backward
#
# Each input of a window contributes $1 / (p_h p_w)$ of the window's mean, so each window
# **spreads** its gradient evenly over its entries:
#
# $$\frac{\partial L}{\partial x[n, c, i s + k, j s + l]} \mathrel{+}=
#   \frac{\mathrm{dout}[n, c, i, j]}{p_h\, p_w} \qquad \text{for every } 0 \le k < p_h,\ 0 \le l < p_w.$$
#
# **Hint.** Start from `dx = np.zeros_like(x)`, loop over `i` and `j`, and add
# `dout[:, :, i, j, None, None] / (ph * pw)` to the window (the two `None` axes broadcast the
# `(N, C)` values over the window).
#
# **Pitfalls.** Forgetting the division (the gradient is then `ph * pw` times too large).
# Overwriting where windows overlap: the check uses overlapping windows on purpose.

# %% solution="reference.pooling:avgpool2d_backward"

# %% check="avgpool2d_backward"
check_backward("avgpool2d_backward", avgpool2d_forward, avgpool2d_backward)
check_gradients(avgpool2d_forward, avgpool2d_backward)

# %% [markdown]
# ## 7. A fast convolution: im2col
#
# Your naive convolution runs four nested Python loops, and Python pays an interpreter overhead
# for every one of the $N F H' W'$ window products. Frameworks do the same arithmetic with a
# single matrix product instead, where NumPy's compiled code runs the loops. The trick is called
# **im2col** ("image to columns"):
#
# 1. Pad `x` as before. Copy every window of the padded input, `(C, HH, WW)` values, into one
#    **column** of a matrix `cols` of shape `(C*HH*WW, N*H'*W')`: one column per (image, output
#    position).
# 2. Flatten the filters into the rows of `w.reshape(F, C*HH*WW)`. Then one product,
#    `w.reshape(F, -1) @ cols`, computes *every* dot product of *every* filter with *every*
#    window at once: an `(F, N*H'*W')` matrix. Add `b[:, None]`.
# 3. Reshape to `(F, N, H', W')` and move the batch axis to the front: `(N, F, H', W')`.
#
# The numbers are exactly those of `conv2d_forward_naive` (up to rounding: the additions happen
# in another order). The price is memory: each input entry is copied into up to $HH \cdot WW$
# columns.
#
# **Building `cols` without loops over windows.** NumPy can *view* every window without copying:
# `np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))` has shape
# `(N, C, H+2p-HH+1, W+2p-WW+1, HH, WW)`, every window at stride 1; take every `stride`-th with
# `[:, :, ::stride, ::stride]` to get `(N, C, H', W', HH, WW)`. A `transpose` to
# `(C, HH, WW, N, H', W')` and a `reshape` give `cols` (the reshape makes the one copy). A loop
# over the `HH * WW` kernel offsets, copying `x_pad[:, :, k : k + stride*H' : stride, l : ...]`
# for each, is also fine: it is short, and each iteration moves a whole slab of data.
#
# **Shapes.** As for the naive version: `out` `(N, F, H', W')`. The cache is `(x, w, b, stride,
# pad, cols)`: keep `cols`, the backward needs it for `dw`.
#
# **Pitfalls: orders must agree.** The rows of `cols` must be in the order of `w.reshape(F, -1)`,
# channel first, then kernel row, then kernel column: `(c, k, l)`. And the result of the product
# is `(F, N*H'*W')` with the *filter* first: reshaping it straight to `(N, F, H', W')` runs without
# error and scrambles the batch and filter axes. Reshape to `(F, N, H', W')`, then transpose.

# %% solution="reference.conv:conv2d_forward"

# %% check="conv2d_forward"
check_outputs("conv2d_forward", conv2d_forward)
check_forward(conv2d_forward, CONV_INPUTS, stride=2, pad=1, shape_hint=CONV_SHAPE, mistakes=FLIPPED_KERNEL,
              expected=np.array([[[[1.0, -6.0, -1.0], [1.0, -1.0, 11.0]],
                                  [[-1.0, -2.0, 2.0], [0.0, -9.0, 4.0]]]]))

# %% [markdown]
# ## 8. Its backward: col2im
#
# The forward is one matrix product, $\text{out}_2 = W_2\,\text{cols} + b$ with $W_2$ =
# `w.reshape(F, -1)` and $\text{out}_2$ the output as an `(F, N*H'*W')` matrix. So its backward is
# the linear layer's, with `dout` brought into the same layout
# (`D = dout.transpose(1, 0, 2, 3).reshape(F, -1)`):
#
# $$db = \textstyle\sum_{\text{columns}} D, \qquad dW_2 = D\,\text{cols}^\top, \qquad
#   d\text{cols} = W_2^\top D .$$
#
# `dw` is `dW_2` reshaped to `(F, C, HH, WW)`. `dcols` `(C*HH*WW, N*H'*W')` holds, in each column,
# the gradient of one window. **col2im** puts them back: each column is added onto the window of
# `dx_pad` it was copied from, and where windows overlap the contributions **add up**, exactly as
# the `+=` of your naive backward. Then cut the padding off.
#
# **Hint.** Reshape `dcols` to `(C, HH, WW, N, H', W')`. For one kernel offset `(k, l)`, the
# entries `dcols[:, k, l]` `(C, N, H', W')` belong to the input rows `k, k + s, ..., k + s (H'-1)`
# and columns `l, l + s, ...`: one strided slice,
# `dx_pad[:, :, k : k + s*H' : s, l : l + s*W' : s]` (with `dx_pad` laid out `(C, N, ...)`, or
# transpose `dcols` first). A loop over the `HH * WW` offsets with `+=` does the whole scatter.
# (`np.add.at` also works, and is slower.)
#
# **Pitfalls.** `=` instead of `+=` in the scatter: with stride smaller than the kernel, windows
# overlap and all but one contribution are lost. Forgetting the stride in the slice. Not
# cutting the padding off. `dw` reshaped from `D cols^T` in an order that does not match `w`.

# %% solution="reference.conv:conv2d_backward"

# %% check="conv2d_backward"
check_backward("conv2d_backward", conv2d_forward, conv2d_backward)
check_gradients(conv2d_forward, conv2d_backward)
check_gradients(conv2d_forward, conv2d_backward,
                np.random.default_rng(6).standard_normal((2, 3, 5, 6)),
                np.random.default_rng(7).standard_normal((2, 3, 3, 3)), np.array([0.5, -0.5]), stride=2, pad=2)

# %% [markdown]
# ## Experiments (not graded)
#
# ### What a filter sees
#
# Hand-made 3 x 3 filters, applied with *your* `conv2d_forward_naive` to a few 8 x 8 digits
# (scikit-learn's bundled handwritten digits, grey levels 0 to 16). The first filter responds to
# intensity that *increases from left to right* (a left edge of a stroke), because, in a
# cross-correlation, the $+1$ column multiplies the right-hand pixels. The second does the same
# from top to bottom; the third blurs. In the edge maps red is positive, blue negative and white
# zero. The last column shows the first map after your 2 x 2 max pooling: half the size, with
# the strongest response of each window kept.

# %% experiment=true
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

digits = load_digits()
images = digits.images[:, None, :, :] / 16.0   # (1797, 1, 8, 8), values in [0, 1]
labels = digits.target

edge = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
filters = np.stack([edge, edge.T, np.full((3, 3), 1.0 / 9.0)])[:, None]   # (3, 1, 3, 3)
titles = ["digit", "left-to-right increase", "top-to-bottom increase", "blur", "left-right, max-pooled"]

with skip_if_not_implemented():
    sample = images[:4]
    maps, _ = conv2d_forward_naive(sample, filters, np.zeros(3), stride=1, pad=1)   # (4, 3, 8, 8)
    pooled, _ = maxpool2d_forward(maps[:, :1])                                      # (4, 1, 4, 4)
    fig, axes = plt.subplots(len(sample), 5, figsize=(10, 2.1 * len(sample)))
    for row in range(len(sample)):
        panels = [sample[row, 0], maps[row, 0], maps[row, 1], maps[row, 2], pooled[row, 0]]
        for col, panel in enumerate(panels):
            if col in (0, 3):
                axes[row, col].imshow(panel, cmap="gray")
            else:  # red positive, blue negative, white 0
                limit = np.abs(panel).max() + 1e-12
                axes[row, col].imshow(panel, cmap="RdBu_r", vmin=-limit, vmax=limit)
            axes[row, col].set_xticks([])
            axes[row, col].set_yticks([])
            if row == 0:
                axes[row, col].set_title(titles[col], fontsize=9)
    fig.tight_layout()
    plt.show()

# %% [markdown]
# ### How much faster is im2col? (timed on your machine)
#
# The same convolution, forward and backward, with your naive loops and with your im2col version,
# on a batch of 16 RGB images of 16 x 16 pixels and 8 filters of 3 x 3 (a small first layer).
# Both must give the same numbers; the fast version's time is the best of five runs.

# %% experiment=true
import time


def best_time(run, repeats):
    """The fastest of `repeats` wall-clock timings of run(), in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def forward_and_backward(forward, backward, x, w, b):
    out, cache = forward(x, w, b, stride=1, pad=1)
    return (out, *backward(np.ones_like(out), cache))


with skip_if_not_implemented():
    timing_rng = np.random.default_rng(0)
    x_big, w_big, b_big = (timing_rng.standard_normal((16, 3, 16, 16)), timing_rng.standard_normal((8, 3, 3, 3)),
                           timing_rng.standard_normal(8))
    naive_results = []
    # the naive version once (it is the slow one), the fast one five times
    naive_seconds = best_time(lambda: naive_results.append(
        forward_and_backward(conv2d_forward_naive, conv2d_backward_naive, x_big, w_big, b_big)), repeats=1)
    fast_results = forward_and_backward(conv2d_forward, conv2d_backward, x_big, w_big, b_big)
    difference = max(np.max(np.abs(np.asarray(f) - n)) for f, n in zip(fast_results, naive_results[0]))
    print(f"largest difference between the two versions (out, dx, dw, db): {difference:.1e}")
    fast_seconds = best_time(lambda: forward_and_backward(conv2d_forward, conv2d_backward,
                                                          x_big, w_big, b_big), repeats=5)
    print(f"naive loops: {1000 * naive_seconds:.1f} ms, im2col: {1000 * fast_seconds:.2f} ms, "
          f"speed-up {naive_seconds / fast_seconds:.0f}x")

# %% [markdown]
# The speed-up grows with the size of the problem: the naive version pays Python's overhead once
# per window and filter, im2col once per kernel offset. Try it on the CNN below: replace
# `conv2d_forward_naive` and `conv2d_backward_naive` by your fast versions in `cnn_loss`, and the
# `LONG_RUN` becomes a matter of seconds.

# %% [markdown]
# ### A small CNN on the digits
#
# A convolutional network built from your functions: 4 filters of 3 x 3 with padding 1, ReLU,
# 2 x 2 max pooling, then a linear layer from the 4 x 4 x 4 = 64 pooled features to the 10
# classes, with the softmax cross-entropy loss, trained by mini-batch gradient descent with
# momentum. That is $4 \cdot 9 + 4 + 64 \cdot 10 + 10 = 690$ parameters: the convolution itself
# has only 40, shared by all 64 positions of the image.
#
# Your naive loops are slow, so the run is short: 2 epochs on 300 training images, then the
# accuracy on 300 held-out images (a few seconds; chance is 10%). Set `LONG_RUN = True` for 10
# epochs on 1200 images: it takes a minute or more with naive loops and reaches about the
# accuracy of assignment 3's MLP.

# %% experiment=true
LONG_RUN = False
n_train, epochs = (1200, 10) if LONG_RUN else (300, 2)

rng = np.random.default_rng(0)
order = rng.permutation(len(labels))
train_idx, test_idx = order[:n_train], order[-300:]


def init_cnn(rng, filters=4):
    return {"w1": rng.standard_normal((filters, 1, 3, 3)) * np.sqrt(2.0 / 9.0),
            "b1": np.zeros(filters),
            "w2": rng.standard_normal((filters * 16, 10)) * np.sqrt(1.0 / (filters * 16)),
            "b2": np.zeros(10)}


def cnn_loss(params, x, y=None):
    """Scores (N, 10); with labels y, also the mean cross-entropy and the gradients."""
    h, conv_cache = conv2d_forward_naive(x, params["w1"], params["b1"], stride=1, pad=1)
    a = np.maximum(h, 0.0)
    p, pool_cache = maxpool2d_forward(a, pool_height=2, pool_width=2, stride=2)
    flat = p.reshape(len(x), -1)
    scores = flat @ params["w2"] + params["b2"]
    if y is None:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(y)), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(len(y)), y] -= 1.0
    dscores /= len(y)
    grads = {"w2": flat.T @ dscores, "b2": dscores.sum(axis=0)}
    dp = (dscores @ params["w2"].T).reshape(p.shape)
    dh = maxpool2d_backward(dp, pool_cache) * (h > 0)
    _, grads["w1"], grads["b1"] = conv2d_backward_naive(dh, conv_cache)
    return scores, loss, grads


with skip_if_not_implemented():
    params = init_cnn(np.random.default_rng(1))
    velocity = {key: np.zeros_like(value) for key, value in params.items()}
    losses, learning_rate, momentum, batch = [], 0.03, 0.9, 10
    for epoch in range(epochs):
        shuffled = rng.permutation(train_idx)
        for start in range(0, len(shuffled), batch):
            idx = shuffled[start:start + batch]
            _, loss, grads = cnn_loss(params, images[idx], labels[idx])
            for key in params:
                velocity[key] = momentum * velocity[key] - learning_rate * grads[key]
                params[key] = params[key] + velocity[key]
            losses.append(loss)
        print(f"epoch {epoch + 1}: mean training loss {np.mean(losses[-(len(shuffled) // batch):]):.3f}")
    test_scores = cnn_loss(params, images[test_idx])
    print(f"test accuracy after {epochs} epochs on {n_train} images: "
          f"{np.mean(test_scores.argmax(axis=1) == labels[test_idx]):.1%}")

    fig, (ax_loss, *ax_filters) = plt.subplots(1, 5, figsize=(12, 2.4),
                                                gridspec_kw={"width_ratios": [4, 1, 1, 1, 1]})
    ax_loss.plot(losses)
    ax_loss.set_xlabel("mini-batch")
    ax_loss.set_ylabel("training loss")
    for f, ax in enumerate(ax_filters):
        limit = np.abs(params["w1"][f, 0]).max()
        ax.imshow(params["w1"][f, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"learned filter {f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    plt.show()

# %% [markdown]
# **Questions to think about.** Replace max pooling by your average pooling in `cnn_loss`: does
# the accuracy change after 2 epochs? Why does a convolution with stride 2 (and no pooling) also
# halve the feature map, and what does it give up compared with max pooling? How many
# multiplications does one forward pass of the first layer cost, and why do frameworks not use
# four nested Python loops?
